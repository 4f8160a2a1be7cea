//! zh-CN texts of the trust module's errors (invitations, signed sheets, codes).

use crate::text::Bilingual;
use crate::trust::TrustError;

impl Bilingual for TrustError {
    fn zh(&self) -> String {
        match self {
            TrustError::Rules { path, why } => {
                format!("方案的信任设置（trust）在 {path} 处有误：{why}")
            }
            TrustError::BadKey(k) => {
                format!("“{k}”不是 Ed25519 公钥（应为 ed25519: 加 43 个 base64url 字符）")
            }
            TrustError::UnknownKey(id) => format!("方案的信任设置中没有密钥“{id}”"),
            TrustError::Unsigned(i) => format!("问卷“{i}”须凭邀请填写：这份评分表没有签名"),
            TrustError::BadSignature => {
                "评分表的签名验证不通过：签名后被改动过，或由其他密钥签名".to_owned()
            }
            TrustError::BadToken(f) => format!("邀请无效：{}", f.zh()),
            TrustError::RevokedKey(id) => format!("邀请由已吊销的密钥“{id}”签发"),
            TrustError::TokenMismatch {
                field,
                token,
                record,
            } => {
                let what = match *field {
                    "plan" => "方案",
                    "instrument" => "问卷",
                    "rater" => "评审人",
                    "group" => "组别",
                    other => other,
                };
                format!("邀请的{what}（{field}）是“{token}”，评分表上是“{record}”")
            }
            TrustError::TokenExpired { at, from, until } => {
                format!("评分表提交于 {at}，不在邀请有效期（{from} 至 {until}）内")
            }
            TrustError::OutsideAssignment(u) => {
                format!("评分表评了单位“{u}”，该单位不在本邀请指定的评审对象内")
            }
            TrustError::OtherKey(t) => format!("邀请 {t} 下更早的评分表是在另一台设备上签名的"),
            TrustError::UnknownInstrument(i) => format!("方案中没有问卷“{i}”"),
            TrustError::NotInvitable(i) => {
                format!("问卷“{i}”没有评审表：邀请只能用于评审页面")
            }
            TrustError::UnknownUnit(u) => format!("方案中没有单位“{u}”"),
            TrustError::UnitNotRated { instrument, unit } => {
                format!("问卷“{instrument}”不评单位“{unit}”")
            }
            TrustError::UnknownGroup { instrument, group } => {
                format!("问卷“{instrument}”的评审表没有组别“{group}”")
            }
            TrustError::UnitCount { count, max } => {
                format!("一份邀请须指定 1 至 {max} 个单位，这份指定了 {count} 个")
            }
            TrustError::BadTime(t) => {
                format!("“{t}”不是时间（RFC 3339，如 2026-12-01T00:00:00.000Z）")
            }
            TrustError::EmptyValidity { from, until } => {
                format!("有效期的结束（{until}）早于开始（{from}）")
            }
            TrustError::BadSerial(s) => format!("“{s}”不是序列号（16 个十六进制字符）"),
            TrustError::BadCode(c) => format!("“{c}”不是一次性码（12 个字符，如 7K3M-Q9XA-2BFH）"),
            TrustError::BadBatch { batch, why } => {
                format!("一次性码批次“{batch}”无效：{}", why.zh())
            }
            TrustError::NotCoded(i) => {
                format!("问卷“{i}”不使用一次性评价码（方案的 trust.instruments 未设为 \"code\"）")
            }
            TrustError::CodeCount { count, max } => {
                format!("一批须有 1 至 {max} 个评价码，要求的是 {count} 个")
            }
            TrustError::BatchName { max } => {
                format!("批次须有名称（如“2026-12 会议”），至多 {max} 个字符")
            }
            TrustError::ShortPassword { min } => format!("密码太短：至少 {min} 个字符"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;
    use crate::trust::{BatchFault, TokenFault};

    #[test]
    fn trust_error() {
        let s = |x: &str| x.to_owned();
        bilingual(
            &TrustError::Rules {
                path: s("/trust/keys/0"),
                why: s("missing field `id`"),
            },
            &["/trust/keys/0", "missing field `id`"],
        );
        bilingual(&TrustError::BadKey(s("ed25519:x")), &["ed25519:x"]);
        bilingual(&TrustError::UnknownKey(s("k1")), &["k1"]);
        bilingual(&TrustError::Unsigned(s("expert")), &["expert"]);
        bilingual(&TrustError::BadSignature, &[]);
        for f in [
            TokenFault::Malformed,
            TokenFault::Payload,
            TokenFault::UnknownKey,
            TokenFault::Signature,
        ] {
            bilingual(&TrustError::BadToken(f), &[]);
        }
        bilingual(&TrustError::RevokedKey(s("k2")), &["k2"]);
        bilingual(
            &TrustError::TokenMismatch {
                field: "rater",
                token: s("E07"),
                record: s("E08"),
            },
            &["rater", "E07", "E08"],
        );
        bilingual(
            &TrustError::TokenExpired {
                at: s("2027-01-01T00:00:00.000Z"),
                from: s("2026-12-01T00:00:00.000Z"),
                until: s("2026-12-31T15:59:59.999Z"),
            },
            &[
                "2027-01-01T00:00:00.000Z",
                "2026-12-01T00:00:00.000Z",
                "2026-12-31T15:59:59.999Z",
            ],
        );
        bilingual(&TrustError::OutsideAssignment(s("hanyang")), &["hanyang"]);
        bilingual(&TrustError::OtherKey(s("0123abcd")), &["0123abcd"]);
        bilingual(&TrustError::UnknownInstrument(s("x")), &["x"]);
        bilingual(&TrustError::NotInvitable(s("public")), &["public"]);
        bilingual(&TrustError::UnknownUnit(s("u9")), &["u9"]);
        bilingual(
            &TrustError::UnitNotRated {
                instrument: s("expert"),
                unit: s("ndrc"),
            },
            &["expert", "ndrc"],
        );
        bilingual(
            &TrustError::UnknownGroup {
                instrument: s("expert"),
                group: s("g9"),
            },
            &["expert", "g9"],
        );
        bilingual(
            &TrustError::UnitCount {
                count: 0,
                max: 1000,
            },
            &["0", "1000"],
        );
        bilingual(&TrustError::BadTime(s("tomorrow")), &["tomorrow"]);
        bilingual(
            &TrustError::EmptyValidity {
                from: s("2026-12-02"),
                until: s("2026-12-01"),
            },
            &["2026-12-02", "2026-12-01"],
        );
        bilingual(&TrustError::BadSerial(s("xyz")), &["xyz"]);
        bilingual(&TrustError::BadCode(s("12")), &["12"]);
        bilingual(&TrustError::NotCoded(s("expert")), &["expert", "code"]);
        bilingual(
            &TrustError::CodeCount {
                count: 0,
                max: 100000,
            },
            &["0", "100000"],
        );
        bilingual(&TrustError::BatchName { max: 100 }, &["100"]);
        bilingual(&TrustError::ShortPassword { min: 12 }, &["12"]);
        for why in [
            BatchFault::Format,
            BatchFault::TooMany,
            BatchFault::Hash,
            BatchFault::UnknownKey,
            BatchFault::Signature,
        ] {
            bilingual(
                &TrustError::BadBatch {
                    batch: s("2026-12 会议"),
                    why,
                },
                &["2026-12 会议"],
            );
        }
        bilingual(
            &TrustError::BadBatch {
                batch: s("b"),
                why: BatchFault::OtherPlan(s("other-2026")),
            },
            &["other-2026"],
        );
    }
}
