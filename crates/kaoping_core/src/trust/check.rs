//! The plan validation's checks of the `trust` section ([`crate::validate`] reports them).

use super::keys::{key_id, parse_public};
use super::{Access, TrustRules};
use crate::plan::Plan;
use crate::text::Text;
use std::collections::BTreeSet;

/// A problem of the `trust` section: JSON path, code, message.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustProblem {
    pub path: String,
    pub code: &'static str,
    pub message: Text,
}

/// The problems of the plan's `trust` section: its shape, each key's text and id (and ids
/// used twice), each instrument named (it exists; an invitation opens the review page, so
/// its instrument must have a review sheet).
pub fn validate_trust(plan: &Plan) -> Vec<TrustProblem> {
    let mut out = Vec::new();
    let mut push = |path: String, code, zh: String, en: String| {
        out.push(TrustProblem {
            path,
            code,
            message: Text::new(&zh, &en),
        })
    };
    let rules = match TrustRules::of(plan) {
        Ok(r) => r,
        Err(e) => {
            let (path, why) = match &e {
                super::TrustError::Rules { path, why } => (path.clone(), why.clone()),
                _ => ("/trust".into(), e.to_string()),
            };
            push(
                path,
                "invalid_trust",
                format!("方案的信任设置（trust）有误：{why}"),
                format!("The plan's trust section is invalid: {why}"),
            );
            return out;
        }
    };
    let mut ids = BTreeSet::new();
    for (i, k) in rules.keys.iter().enumerate() {
        if !ids.insert(k.id.as_str()) {
            push(
                format!("/trust/keys/{i}/id"),
                "duplicate_id",
                format!("密钥编号“{}”重复", k.id),
                format!("The key id \"{}\" is used twice", k.id),
            );
        }
        match parse_public(&k.public) {
            Err(_) => push(
                format!("/trust/keys/{i}/public"),
                "bad_key",
                format!(
                    "“{}”不是 Ed25519 公钥（应为 ed25519: 加 43 个 base64url 字符）",
                    k.public
                ),
                format!(
                    "\"{}\" is not an Ed25519 public key (ed25519: and 43 base64url characters)",
                    k.public
                ),
            ),
            Ok(p) if key_id(&p) != k.id => push(
                format!("/trust/keys/{i}/id"),
                "key_id_mismatch",
                format!("密钥编号“{}”与公钥不符，应为“{}”", k.id, key_id(&p)),
                format!(
                    "The key id \"{}\" does not match its public key: it is \"{}\"",
                    k.id,
                    key_id(&p)
                ),
            ),
            Ok(_) => {}
        }
    }
    for (id, access) in &rules.instruments {
        let path = format!("/trust/instruments/{id}");
        match plan.instrument(id) {
            None => push(
                path,
                "unknown_instrument",
                format!("方案中没有问卷“{id}”"),
                format!("The plan has no instrument \"{id}\""),
            ),
            Some(ins) if *access == Access::Invitation && ins.review.is_none() => push(
                path,
                "not_invitable",
                format!("问卷“{id}”没有评审表：邀请只能用于评审页面"),
                format!(
                    "The instrument \"{id}\" has no review sheet: invitations open the review page"
                ),
            ),
            Some(_) => {}
        }
    }
    let needs_key = rules.instruments.values().any(|a| *a != Access::Open);
    if needs_key && !rules.keys.iter().any(|k| !k.revoked) {
        push(
            "/trust/keys".into(),
            "no_key",
            "需要邀请或一次性码的问卷须有至少一把未吊销的考评办密钥".into(),
            "Instruments that need an invitation or a code need at least one office key that is not revoked".into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::keys::{format_public, public_from_seed};
    use serde_json::json;

    fn problems(trust: serde_json::Value) -> Vec<(String, &'static str)> {
        let mut plan = crate::plan::demo_plan();
        plan.trust = trust;
        validate_trust(&plan)
            .into_iter()
            .map(|p| {
                assert!(!p.message.get("zh-CN").is_empty() && !p.message.get("en").is_empty());
                (p.path, p.code)
            })
            .collect()
    }

    #[test]
    fn a_good_section_has_no_problem() {
        let public = public_from_seed(&[1; 32]);
        let t = json!({"keys": [{"id": key_id(&public), "public": format_public(&public)}],
                       "instruments": {"expert": "invitation", "public": "code"}});
        assert_eq!(problems(t), []);
        assert_eq!(problems(serde_json::Value::Null), []);
    }

    #[test]
    fn each_problem_names_its_path() {
        let public = public_from_seed(&[1; 32]);
        let t = json!({"keys": [
                          {"id": "0000000000000000", "public": format_public(&public)},
                          {"id": "0000000000000000", "public": "ed25519:nope", "revoked": true}],
                       "instruments": {"nosuch": "code", "public": "invitation"}});
        assert_eq!(
            problems(t),
            [
                ("/trust/keys/0/id".to_owned(), "key_id_mismatch"),
                ("/trust/keys/1/id".to_owned(), "duplicate_id"),
                ("/trust/keys/1/public".to_owned(), "bad_key"),
                ("/trust/instruments/nosuch".to_owned(), "unknown_instrument"),
                ("/trust/instruments/public".to_owned(), "not_invitable"),
            ]
        );
        assert_eq!(
            problems(json!({"instruments": {"expert": "invitation"}})),
            [("/trust/keys".to_owned(), "no_key")]
        );
        assert_eq!(
            problems(json!({"keys": 1})),
            [("/trust/keys".to_owned(), "invalid_trust")]
        );
    }
}
