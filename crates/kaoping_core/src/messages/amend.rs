//! zh-CN texts of the amendment's errors.

use crate::amend::AmendError;
use crate::text::Bilingual;

impl Bilingual for AmendError {
    fn zh(&self) -> String {
        match self {
            AmendError::NotAPlan { which, message } => {
                let which = if *which == "old" { "旧" } else { "新" };
                format!("{which}方案不是有效的方案：{message}")
            }
            AmendError::OtherPlan { old, new } => {
                format!("两个方案的编号不同（{old}、{new}）：修订须保持方案编号不变")
            }
            AmendError::SameVersion(v) => {
                format!("新方案的版本仍是旧方案的 {v}：请给新方案一个新的版本号")
            }
            AmendError::RepeatedVersion(v) => format!("版本 {v} 已在方案的修订记录中"),
            AmendError::BadDate(d) => format!("日期 {d} 不是 YYYY-MM-DD 格式的日期"),
            AmendError::Reason(langs) => format!("修订理由缺少方案语言 {langs} 的文字"),
            AmendError::History => {
                "新方案的修订记录（amendments）与旧方案的不同：请从旧方案改起".to_owned()
            }
            AmendError::Unchanged => "除版本号外没有任何改动".to_owned(),
        }
    }
}

#[cfg(feature = "office")]
impl Bilingual for crate::amend::trust::TrustEditError {
    fn zh(&self) -> String {
        use crate::amend::trust::TrustEditError as E;
        match self {
            E::Amend(e) => e.zh(),
            E::BadKey(why) => format!(
                "密钥既不是密钥备份文件（kaoping.key/1），也不是公钥文字（ed25519: 加 43 个 base64url 字符）：{why}"
            ),
            E::KeyIdMismatch { file, id } => {
                format!("密钥文件中的编号 {file} 不是其公钥的编号 {id}")
            }
            E::KeyRevoked(id) => format!("密钥 {id} 已在方案中吊销：请新建一个密钥"),
            E::UnknownKey(id) => format!("方案的信任设置（trust）中没有密钥 {id}"),
            E::UnknownInstrument(id) => format!("方案中没有问卷 {id}"),
            E::Rules(at) => format!("方案的信任设置（trust）有误：{at}"),
            E::Invalid { path, message } => {
                format!("这样修改后的方案不成立：{path}：{}", message.get("zh-CN"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;

    #[test]
    fn amend_error() {
        let e = AmendError::NotAPlan {
            which: "old",
            message: "/units bad".into(),
        };
        bilingual(&e, &["/units bad"]);
        bilingual(
            &AmendError::OtherPlan {
                old: "a-2026".into(),
                new: "b-2026".into(),
            },
            &["a-2026", "b-2026"],
        );
        bilingual(&AmendError::SameVersion("3".into()), &["3"]);
        bilingual(&AmendError::RepeatedVersion("2".into()), &["2"]);
        bilingual(&AmendError::BadDate("2026-13-01".into()), &["2026-13-01"]);
        bilingual(&AmendError::Reason("en".into()), &["en"]);
        bilingual(&AmendError::History, &[]);
        bilingual(&AmendError::Unchanged, &[]);
    }

    #[cfg(feature = "office")]
    #[test]
    fn trust_edit_error() {
        use crate::amend::trust::TrustEditError as E;
        bilingual(&E::Amend(AmendError::BadDate("x".into())), &["x"]);
        bilingual(&E::BadKey("ed25519:zz".into()), &["ed25519:zz"]);
        bilingual(
            &E::KeyIdMismatch {
                file: "aaaa".into(),
                id: "bbbb".into(),
            },
            &["aaaa", "bbbb"],
        );
        bilingual(&E::KeyRevoked("k1".into()), &["k1"]);
        bilingual(&E::UnknownKey("k2".into()), &["k2"]);
        bilingual(&E::UnknownInstrument("nope".into()), &["nope"]);
        bilingual(&E::Rules("/trust/keys".into()), &["/trust/keys"]);
        bilingual(
            &E::Invalid {
                path: "/trust/keys".into(),
                message: crate::text::Text::new("没有密钥", "no key"),
            },
            &["/trust/keys"],
        );
    }
}
