//! Who is acting: what a use case needs to know about the person or program calling it.

use renke_domain::org::{OrgKind, OrgPath};
use renke_domain::perm::{Actor, Role};
use renke_store::accounts::Account;
use serde::Serialize;

/// The account a request acts as, without its secrets: the web layer resolves it from a
/// session or an API token and passes it to every use case.
#[derive(Debug, Clone, Serialize)]
pub struct Caller {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_code: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub org_kind: OrgKind,
    pub role: Role,
    /// The account's chosen language (`zh-CN`, `en`), if any.
    pub locale: Option<String>,
}

impl Caller {
    /// The actor this caller is for permission checks.
    pub fn actor(&self) -> Actor {
        Actor {
            account_id: self.id,
            role: self.role,
            org_path: self.org_path.clone(),
            org_kind: self.org_kind,
        }
    }
}

impl From<Account> for Caller {
    fn from(a: Account) -> Caller {
        Caller {
            id: a.id,
            login: a.login,
            display_name: a.display_name,
            org_id: a.org_id,
            org_name: a.org_name,
            org_code: a.org_code,
            org_path: a.org_path,
            org_kind: a.org_kind,
            role: a.role,
            locale: a.locale,
        }
    }
}
