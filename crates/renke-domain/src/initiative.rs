//! The industry initiative (行业倡议): an association (or a bureau) publishes the text of an
//! initiative for a campaign, such as Shanghai's 支持疫情防控和复工复产 initiative; the
//! institutions it addresses sign it, once each, through an authorised account with the
//! signer's name and title. Its public page shows the text and the signatories; the
//! publisher sees who in its sector and area has not signed yet.
//!
//! Sector and area: an initiative addresses institutions (never the administration) of the
//! kinds it names (labs, certification bodies, …) in its area — the subtree of the bureau
//! the publisher belongs to (an association registered under 上海市市场监督管理局 addresses
//! the institutions of Shanghai), or the publisher's own subtree when it is a bureau.

use crate::org::{OrgKind, OrgPath, string_enum};
use crate::perm::is_administration;
use crate::text::Line;
use crate::{FieldError, Invalid};
use serde::{Deserialize, Serialize};

string_enum! {
    /// Where an initiative stands.
    InitiativeState {
        Open = "open", "征集签署中", "Open for signatures";
        Closed = "closed", "已结束签署", "Closed";
    }
}

impl InitiativeState {
    /// The colour of the state's chip.
    pub fn colour(self) -> &'static str {
        match self {
            InitiativeState::Open => "green",
            InitiativeState::Closed => "grey",
        }
    }
}

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest text of an initiative, in characters.
pub const BODY_MAX: usize = 20_000;
/// Longest signer's name and title, in characters.
pub const SIGNER_NAME_MAX: usize = 50;
pub const SIGNER_TITLE_MAX: usize = 50;

/// An initiative's text, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiativeText {
    pub title: Line,
    pub body: String,
    /// The kinds of institution it addresses (at least one; never the administration).
    pub kinds: Vec<OrgKind>,
}

/// Whether an initiative may address organisations of this kind: institutions only.
pub fn addressable(kind: OrgKind) -> bool {
    !is_administration(kind)
}

/// The kinds offered when publishing, in the order of [`OrgKind::ALL`].
pub fn addressable_kinds() -> Vec<OrgKind> {
    OrgKind::ALL
        .iter()
        .copied()
        .filter(|k| addressable(*k))
        .collect()
}

/// The raw fields of an initiative, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct InitiativeInput<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// Kind codes (or labels), one per entry; empty entries are ignored.
    pub kinds: &'a [String],
}

impl InitiativeInput<'_> {
    /// Every problem at once: `title` required / too long; `body` required / too long;
    /// `kinds` required, each known and an institution's (`kind_not_addressable`).
    pub fn parse(&self) -> Result<InitiativeText, Invalid> {
        let mut errs = Invalid::default();
        let title = Line::parse("title", self.title, TITLE_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        let body = self.body.trim();
        let n = crate::text::char_len(body);
        if body.is_empty() {
            errs.push(FieldError::new("body", "required"));
        } else if n > BODY_MAX {
            errs.push(
                FieldError::new("body", "too_long")
                    .with("max", BODY_MAX)
                    .with("actual", n),
            );
        }
        let mut kinds: Vec<OrgKind> = Vec::new();
        for raw in self.kinds.iter().filter(|k| !k.trim().is_empty()) {
            match OrgKind::parse("kinds", raw) {
                Ok(k) if !addressable(k) => errs
                    .push(FieldError::new("kinds", "kind_not_addressable").with("value", k.zh())),
                Ok(k) if !kinds.contains(&k) => kinds.push(k),
                Ok(_) => {}
                Err(e) => errs.push(e),
            }
        }
        if kinds.is_empty() && errs.0.iter().all(|e| e.field != "kinds") {
            errs.push(FieldError::new("kinds", "required"));
        }
        let Some(title) = title else {
            return Err(errs);
        };
        errs.into_result()?;
        Ok(InitiativeText {
            title,
            body: body.to_owned(),
            kinds,
        })
    }
}

/// Who signs for an institution, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// 签署人姓名
    pub name: Line,
    /// 职务
    pub title: Line,
}

impl Signer {
    /// Both required, single lines of at most 50 characters (`signer_name`, `signer_title`).
    pub fn parse(name: &str, title: &str) -> Result<Signer, Invalid> {
        let mut errs = Invalid::default();
        let name = Line::parse("signer_name", name, SIGNER_NAME_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        let title = Line::parse("signer_title", title, SIGNER_TITLE_MAX)
            .map_err(|e| errs.push(e))
            .ok();
        match (name, title) {
            (Some(name), Some(title)) => Ok(Signer { name, title }),
            _ => Err(errs),
        }
    }
}

/// The area an initiative published by `owner` (of `owner_kind`) addresses: the bureau
/// the owner belongs to and everything below it, or the owner's own subtree when it is a
/// bureau (or has no parent).
pub fn area(owner: &OrgPath, owner_kind: OrgKind) -> OrgPath {
    if is_administration(owner_kind) {
        return owner.clone();
    }
    owner.parent().unwrap_or_else(|| owner.clone())
}

/// Whether an initiative of `owner` addressing `kinds` in `area` addresses the
/// organisation at `org` of kind `kind`: an institution of one of the kinds, inside the
/// area, other than the owner itself.
pub fn addresses(
    owner: &OrgPath,
    area: &OrgPath,
    kinds: &[OrgKind],
    org: &OrgPath,
    kind: OrgKind,
) -> bool {
    org != owner && addressable(kind) && kinds.contains(&kind) && org.is_within(area)
}

/// Kinds stored joined by commas.
pub fn join_kinds(kinds: &[OrgKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Kinds read back from their stored form; `None` when one is not known.
pub fn split_kinds(stored: &str) -> Option<Vec<OrgKind>> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(OrgKind::from_code)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_initiative_needs_a_title_a_text_and_institution_kinds() {
        let bad = InitiativeInput {
            title: " ",
            body: "",
            kinds: &["regulator".to_owned(), "spaceship".to_owned()],
        }
        .parse()
        .unwrap_err();
        let codes: Vec<_> = bad.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("title", "required"),
                ("body", "required"),
                ("kinds", "kind_not_addressable"),
                ("kinds", "unknown_value"),
            ]
        );
        let none = InitiativeInput {
            title: "倡议",
            body: "倡议全行业……",
            kinds: &[],
        }
        .parse()
        .unwrap_err();
        assert_eq!(none.0[0].field, "kinds");
        let ok = InitiativeInput {
            title: " 支持疫情防控和复工复产倡议书 ",
            body: " 倡议全行业凝聚抗击疫情的精神力量。 ",
            kinds: &["lab".to_owned(), "认证机构".to_owned(), "lab".to_owned()],
        }
        .parse()
        .unwrap();
        assert_eq!(ok.title.as_str(), "支持疫情防控和复工复产倡议书");
        assert_eq!(ok.kinds, vec![OrgKind::Lab, OrgKind::CertificationBody]);
        assert_eq!(split_kinds(&join_kinds(&ok.kinds)), Some(ok.kinds));
    }

    #[test]
    fn a_signer_names_a_person_and_a_title() {
        let e = Signer::parse("", "总经理").unwrap_err();
        assert_eq!(e.0[0].field, "signer_name");
        let e = Signer::parse("张三", &"长".repeat(51)).unwrap_err();
        assert_eq!(
            (e.0[0].field.as_str(), e.0[0].code),
            ("signer_title", "too_long")
        );
        let s = Signer::parse(" 张三 ", "总经理").unwrap();
        assert_eq!(s.name.as_str(), "张三");
    }

    /// Who an initiative of Shanghai's association (under SH) for labs addresses: labs in
    /// Shanghai and its districts; not the association, not a certification body, not a
    /// district bureau, not a lab in Guangdong. A bureau's initiative addresses its subtree.
    #[test]
    fn sector_and_area_table() {
        let sh = OrgPath::root(1).child(2);
        let assoc = sh.child(10);
        let lab = sh.child(11);
        let pd = sh.child(12);
        let pd_lab = pd.child(13);
        let gd_lab = OrgPath::root(1).child(3).child(14);
        let area = area(&assoc, OrgKind::Association);
        assert_eq!(area, sh);
        let kinds = [OrgKind::Lab];
        let rows = [
            (&lab, OrgKind::Lab, true),
            (&pd_lab, OrgKind::Lab, true),
            (&assoc, OrgKind::Association, false),
            (&lab, OrgKind::CertificationBody, false),
            (&pd, OrgKind::Regulator, false),
            (&gd_lab, OrgKind::Lab, false),
        ];
        for (org, kind, want) in rows {
            assert_eq!(
                addresses(&assoc, &area, &kinds, org, kind),
                want,
                "{org:?} {kind}"
            );
        }
        assert_eq!(super::area(&pd, OrgKind::Regulator), pd);
        assert!(addresses(&pd, &pd, &kinds, &pd_lab, OrgKind::Lab));
        assert!(!addresses(&pd, &pd, &kinds, &lab, OrgKind::Lab));
    }
}
