//! The plan's `trust` section in an amendment: what changed in it (keys added, revoked or
//! removed; an instrument's access changed) for [`super::diff_plans`], and (office build) a new
//! version of a plan with the office's public key put in, a key revoked or an instrument's
//! access changed ([`edit_trust`], [`with_office_key`], [`with_access`]).
//!
//! A trust change does not invalidate earlier records by itself (a record is checked against
//! its instrument's form), so each change is compatible; but an instrument whose access becomes
//! `invitation` or `code` rejects its earlier unsigned or uncoded records at ingest, and the
//! change (`access_restricted`) says so.

use super::Diff;
use crate::plan::Plan;
use crate::trust::{Access, TrustRules};

fn access_name(a: Access) -> &'static str {
    match a {
        Access::Open => "open",
        Access::Invitation => "invitation",
        Access::Code => "code",
    }
}

impl Diff {
    /// The changes of the `trust` section; `trust_changed` when it changed otherwise.
    pub(super) fn trust(&mut self, old: &Plan, new: &Plan) {
        if old.trust == new.trust {
            return;
        }
        let before = self.changes.len();
        if let (Ok(o), Ok(n)) = (TrustRules::of(old), TrustRules::of(new)) {
            self.trust_keys(&o, &n);
            self.trust_access(old, new, &o, &n);
        }
        if self.changes.len() == before {
            self.plan(
                "trust_changed",
                "/trust",
                "信任设置（trust）改变",
                "the trust section changed",
            );
        }
    }

    fn trust_keys(&mut self, o: &TrustRules, n: &TrustRules) {
        for (i, k) in n.keys.iter().enumerate() {
            let p = format!("/trust/keys/{i}");
            let id = &k.id;
            match o.key(id) {
                None => self.plan(
                    "key_added",
                    &p,
                    &format!("新增办公室公钥 {id}：此后以它签发的邀请和一次性码被接受"),
                    &format!("office key {id} added: invitations and codes it signs are accepted"),
                ),
                Some(was) if was.public != k.public => self.plan(
                    "key_changed",
                    &format!("{p}/public"),
                    &format!("办公室公钥 {id} 的公钥文字改变"),
                    &format!("office key {id}: its public key changed"),
                ),
                Some(was) if !was.revoked && k.revoked => self.plan(
                    "key_revoked",
                    &format!("{p}/revoked"),
                    &format!("吊销办公室公钥 {id}：以它签发的邀请和一次性码不再被接受，须重新邀请"),
                    &format!(
                        "office key {id} revoked: invitations and codes it signed are no longer accepted; invite again"
                    ),
                ),
                Some(was) if was.revoked && !k.revoked => self.plan(
                    "key_unrevoked",
                    &format!("{p}/revoked"),
                    &format!("办公室公钥 {id} 不再吊销"),
                    &format!("office key {id} no longer revoked"),
                ),
                Some(_) => {}
            }
        }
        for (i, k) in o.keys.iter().enumerate() {
            if n.key(&k.id).is_none() {
                let id = &k.id;
                self.plan(
                    "key_removed",
                    &format!("/trust/keys/{i}"),
                    &format!("删除办公室公钥 {id}：以它签发的邀请和一次性码不再被接受"),
                    &format!(
                        "office key {id} removed: invitations and codes it signed are no longer accepted"
                    ),
                );
            }
        }
    }

    fn trust_access(&mut self, old: &Plan, new: &Plan, o: &TrustRules, n: &TrustRules) {
        let mut ids: Vec<&str> = new.instruments.iter().map(|i| i.id.as_str()).collect();
        for id in o.instruments.keys().chain(n.instruments.keys()) {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
        for id in ids {
            let (a, b) = (o.access(id), n.access(id));
            if a == b {
                continue;
            }
            let (x, y) = (access_name(a), access_name(b));
            let p = format!("/trust/instruments/{id}");
            // An instrument of the old plan only: its records are judged by its removal.
            let ins = if old.instrument(id).is_some() { id } else { "" };
            match b {
                Access::Open => self.change(
                    ins,
                    "access_opened",
                    &p,
                    true,
                    &format!("问卷 {id} 的准入方式 {x} → {y}：任何持链接者均可作答"),
                    &format!("instrument {id}: access {x} → {y}: anyone with the link may answer"),
                ),
                Access::Invitation => self.change(
                    ins,
                    "access_restricted",
                    &p,
                    true,
                    &format!(
                        "问卷 {id} 的准入方式 {x} → {y}：此前没有邀请签名的答卷在导入时将被拒收（unsigned）"
                    ),
                    &format!(
                        "instrument {id}: access {x} → {y}: its earlier sheets without an invitation's signature will be rejected at ingest (unsigned)"
                    ),
                ),
                Access::Code => self.change(
                    ins,
                    "access_restricted",
                    &p,
                    true,
                    &format!(
                        "问卷 {id} 的准入方式 {x} → {y}：此前没有一次性码的答卷在导入时将被拒收（code_missing）"
                    ),
                    &format!(
                        "instrument {id}: access {x} → {y}: its earlier records without a one-time code will be rejected at ingest (code_missing)"
                    ),
                ),
            }
        }
    }
}

#[cfg(feature = "office")]
mod edit;
#[cfg(feature = "office")]
pub use edit::{
    amend_trust, edit_trust, trust_choices, with_access, with_office_key, AccessChoice,
    TrustChoices, TrustEdit, TrustEditError,
};

#[cfg(all(test, feature = "office"))]
mod tests;
