//! Pass 3, meaning, for the plan's version history (`amendments`): each amendment's date,
//! reason and fingerprint, and the chain of versions (each amendment replaces the version the
//! one before made; the last made the plan's own version).

use super::{ptr, Validator};
use crate::plan::Plan;
use crate::text::Text;

impl Validator {
    pub(super) fn amendments(&mut self, plan: &Plan) {
        let mut before: Option<&str> = None;
        for (i, a) in plan.amendments.iter().enumerate() {
            let p = format!("/amendments/{i}");
            if !crate::date::is_iso_date(&a.date) {
                self.push(
                    &ptr(&p, "date"),
                    "invalid_date",
                    Text::new(
                        &format!("修订日期“{}”应为 YYYY-MM-DD 格式的日期", a.date),
                        &format!(
                            "the amendment date \"{}\" must be a date YYYY-MM-DD",
                            a.date
                        ),
                    ),
                );
            }
            self.text(&a.reason, &ptr(&p, "reason"), &plan.languages);
            let hex = a.replaces_sha256.len() == 64
                && a.replaces_sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex {
                self.push(
                    &ptr(&p, "replaces_sha256"),
                    "invalid_value",
                    Text::new(
                        "被替换方案的 SHA-256 应为 64 位小写十六进制数",
                        "the replaced plan's SHA-256 must be 64 lowercase hexadecimal digits",
                    ),
                );
            }
            if plan.amendments[..i]
                .iter()
                .any(|b| b.replaces_sha256 == a.replaces_sha256)
            {
                self.push(
                    &ptr(&p, "replaces_sha256"),
                    "duplicate_id",
                    Text::new(
                        "两条修订记录替换了同一方案",
                        "two amendments replace the same plan",
                    ),
                );
            }
            if let Some(prev) = before.filter(|prev| *prev != a.replaces_version) {
                self.push(
                    &ptr(&p, "replaces_version"),
                    "broken_history",
                    Text::new(
                        &format!("此修订替换的版本“{}”应为上一条修订得到的版本“{prev}”", a.replaces_version),
                        &format!("this amendment replaces version \"{}\"; the one before made version \"{prev}\"", a.replaces_version),
                    ),
                );
            }
            before = Some(&a.version);
        }
        if let Some(last) = plan.amendments.last().filter(|a| a.version != plan.version) {
            self.push(
                "/version",
                "broken_history",
                Text::new(
                    &format!(
                        "方案版本“{}”应为最后一条修订得到的版本“{}”",
                        plan.version, last.version
                    ),
                    &format!(
                        "the plan's version \"{}\" must be the one its last amendment made, \"{}\"",
                        plan.version, last.version
                    ),
                ),
            );
        }
    }
}
