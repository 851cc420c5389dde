//! The organisation tree: kinds, levels, stable codes and materialised paths.
//!
//! Every organisation stores its path of ids from the root, `/1/7/42/`. A subtree is every
//! path that starts with the root's path, so subtree queries are one index range scan and
//! "is A inside B" is a string prefix test that needs no database round trip.

use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in the API and import files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
            /// Chinese label.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            /// English label.
            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            /// The value whose stored code is `code` exactly (no labels, no trimming): how a
            /// stored value is read back.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($s => Some($name::$variant),)+ _ => None }
            }
            /// Accepts the code, the Chinese label or the English label.
            pub fn parse(field: &str, raw: &str) -> Result<Self, $crate::FieldError> {
                let s = raw.trim();
                $(if s == $s || s == $zh || s.eq_ignore_ascii_case($en) { return Ok($name::$variant); })+
                Err($crate::FieldError::new(field, "unknown_value").with("value", s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// What an organisation is.
    OrgKind {
        Regulator = "regulator", "市场监管部门", "Regulator";
        Department = "department", "内设机构", "Department";
        AccreditationBody = "accreditation_body", "认可机构", "Accreditation body";
        CertificationBody = "certification_body", "认证机构", "Certification body";
        Lab = "lab", "检验检测机构", "Inspection and testing body";
        Association = "association", "行业协会", "Association";
        ResearchInstitute = "research_institute", "研究机构", "Research institute";
        University = "university", "高等院校", "University";
        Company = "company", "企业", "Company";
        Archive = "archive", "档案馆", "Archive";
        PublicInstitution = "public_institution", "事业单位", "Public institution";
    }
}

string_enum! {
    /// Administrative level of a regulator.
    AdminLevel {
        National = "national", "国家级", "National";
        Provincial = "provincial", "省级", "Provincial";
        Municipal = "municipal", "地市级", "Municipal";
        District = "district", "区县级", "District";
    }
}

string_enum! {
    /// Level of a lab's CMA (资质认定).
    CmaLevel {
        National = "national", "国家级资质认定", "National CMA";
        Provincial = "provincial", "省级资质认定", "Provincial CMA";
    }
}

string_enum! {
    /// Where an institution sits, for eligibility rules such as "Hong Kong and Macau labs".
    Region {
        Mainland = "mainland", "内地", "Mainland";
        HongKong = "hong_kong", "香港", "Hong Kong";
        Macau = "macau", "澳门", "Macau";
    }
}

/// A stable organisation code: 1–64 characters of ASCII letters, digits, `-`, `_` and `.`.
/// Codes never change when an organisation is renamed or moved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.len() > 64 {
            return Err(FieldError::new(field, "too_long")
                .with("max", 64)
                .with("actual", s.len()));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(FieldError::new(field, "invalid_code").with("value", s));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("code", &s)
    }
}
impl From<OrgCode> for String {
    fn from(c: OrgCode) -> String {
        c.0
    }
}
impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The materialised path of an organisation: the ids from the root down to it, each after a
/// letter that gives its number of digits (`a` one, `b` two, …), `/a1/a7/b42/`. Byte order
/// of paths is then tree order with siblings by id — the order the directory created them
/// in — where bare numbers would put `/1/10/` before `/1/2/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgPath(String);

impl OrgPath {
    /// The path of a root organisation with this id.
    pub fn root(id: i64) -> Self {
        Self(format!("/{}/", Self::segment(id)))
    }
    /// The path of a child with `id` under this path.
    pub fn child(&self, id: i64) -> Self {
        Self(format!("{}{}/", self.0, Self::segment(id)))
    }
    /// One id as a path segment: its number of digits as a letter, then the digits (`b42`).
    pub fn segment(id: i64) -> String {
        let digits = id.unsigned_abs().to_string();
        let len = char::from(b'a' + (digits.len() as u8 - 1));
        format!("{len}{digits}")
    }
    /// The id of one path segment, if it is one (`b42` → 42).
    fn parse_segment(p: &str) -> Option<i64> {
        let (len, digits) = p.split_at_checked(1)?;
        let want = len.bytes().next()?.checked_sub(b'a')? as usize + 1;
        let ok = digits.len() == want
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (want == 1 || !digits.starts_with('0'));
        if ok { digits.parse().ok() } else { None }
    }
    /// Wraps a path read back from the database. Returns `None` when it is not of the form
    /// `/a1/a2/`.
    pub fn from_stored(s: String) -> Option<Self> {
        let ok = s.len() >= 4
            && s.starts_with('/')
            && s.ends_with('/')
            && s[1..s.len() - 1]
                .split('/')
                .all(|p| Self::parse_segment(p).is_some());
        ok.then_some(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Ids from the root to this organisation.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.0
            .split('/')
            .filter(|p| !p.is_empty())
            .filter_map(Self::parse_segment)
    }
    /// Depth in the tree, 0 for a root.
    pub fn depth(&self) -> usize {
        self.ids().count().saturating_sub(1)
    }
    /// Whether `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &OrgPath) -> bool {
        self.0.starts_with(&other.0)
    }
    /// The exclusive upper bound of the subtree range: every path in the subtree of `self`
    /// is `>= self` and `< upper_bound()` in byte order (`/` is 0x2F, `0` is 0x30; a
    /// segment's digits never run on past its length letter, so no sibling starts there).
    pub fn upper_bound(&self) -> String {
        let mut s = self.0.clone();
        s.pop();
        s.push('0');
        s
    }
    /// The path of the parent, `None` for a root.
    pub fn parent(&self) -> Option<OrgPath> {
        let trimmed = &self.0[..self.0.len() - 1];
        let cut = trimmed.rfind('/')?;
        (cut > 0).then(|| OrgPath(self.0[..=cut].to_owned()))
    }
    /// Rewrites a path inside the subtree `from` to lie under `to` instead (a subtree move).
    pub fn rebase(&self, from: &OrgPath, to: &OrgPath) -> Option<OrgPath> {
        self.0
            .strip_prefix(&from.0)
            .map(|rest| OrgPath(format!("{}{rest}", to.0)))
    }
}

impl fmt::Display for OrgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How a target organisation relates to the organisation an account acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Own,
    Descendant,
    Ancestor,
    Sibling,
    Unrelated,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::Own,
        Relation::Descendant,
        Relation::Ancestor,
        Relation::Sibling,
        Relation::Unrelated,
    ];

    /// The relation of `target` to `actor`, from their paths alone.
    pub fn between(actor: &OrgPath, target: &OrgPath) -> Relation {
        if actor == target {
            Relation::Own
        } else if target.is_within(actor) {
            Relation::Descendant
        } else if actor.is_within(target) {
            Relation::Ancestor
        } else if actor.parent().is_some() && actor.parent() == target.parent() {
            Relation::Sibling
        } else {
            Relation::Unrelated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> OrgPath {
        OrgPath::from_stored(s.to_owned()).unwrap()
    }

    #[test]
    fn relations_from_paths() {
        let me = p("/a1/a2/");
        assert_eq!(Relation::between(&me, &p("/a1/a2/")), Relation::Own);
        assert_eq!(
            Relation::between(&me, &p("/a1/a2/a9/b10/")),
            Relation::Descendant
        );
        assert_eq!(Relation::between(&me, &p("/a1/")), Relation::Ancestor);
        assert_eq!(Relation::between(&me, &p("/a1/a3/")), Relation::Sibling);
        assert_eq!(
            Relation::between(&me, &p("/a1/a3/a4/")),
            Relation::Unrelated
        );
        // '/a1/a2/' is not a prefix of '/a1/b23/': ids are whole segments.
        assert_eq!(Relation::between(&me, &p("/a1/b23/")), Relation::Sibling);
        assert_eq!(
            Relation::between(&p("/a1/"), &p("/a5/")),
            Relation::Unrelated
        );
    }

    #[test]
    fn byte_order_is_tree_order_with_siblings_by_id() {
        let root = OrgPath::root(1);
        let mut paths = vec![
            root.child(10),
            root.child(2),
            root.child(100),
            root.child(9).child(1000),
            root.child(9),
            root.child(10).child(3),
        ];
        paths.sort();
        let ids: Vec<Vec<i64>> = paths.iter().map(|p| p.ids().collect()).collect();
        assert_eq!(
            ids,
            [
                vec![1, 2],
                vec![1, 9],
                vec![1, 9, 1000],
                vec![1, 10],
                vec![1, 10, 3],
                vec![1, 100]
            ]
        );
        // Every path of a subtree lies in its range, and no other.
        let nine = root.child(9);
        for q in &paths {
            let inside = q.as_str() >= nine.as_str() && q.as_str() < nine.upper_bound().as_str();
            assert_eq!(inside, q.is_within(&nine), "{q}");
        }
    }

    #[test]
    fn paths_round_trip() {
        let root = OrgPath::root(1);
        let c = root.child(23);
        assert_eq!(c.as_str(), "/a1/b23/");
        assert_eq!(c.depth(), 1);
        assert_eq!(c.parent(), Some(root.clone()));
        assert_eq!(root.parent(), None);
        assert_eq!(c.upper_bound(), "/a1/b230");
        assert_eq!(c.ids().collect::<Vec<_>>(), vec![1, 23]);
        assert_eq!(p("/a1/b23/a5/").rebase(&c, &p("/a7/")), Some(p("/a7/a5/")));
        assert_eq!(OrgPath::root(1_234_567).as_str(), "/g1234567/");
        for bad in [
            "/a1//", "a1/", "/1/2/", "/b1/", "/b01/", "/a12/", "/", "/a/",
        ] {
            assert!(OrgPath::from_stored(bad.into()).is_none(), "{bad}");
        }
    }

    #[test]
    fn codes_and_kinds_parse() {
        assert!(OrgCode::parse("code", "GD-SZ.01").is_ok());
        assert_eq!(
            OrgCode::parse("code", "广东").unwrap_err().code,
            "invalid_code"
        );
        assert_eq!(
            OrgKind::parse("kind", "检验检测机构").unwrap(),
            OrgKind::Lab
        );
        assert_eq!(OrgKind::parse("kind", "lab").unwrap(), OrgKind::Lab);
        assert_eq!(
            OrgKind::parse("kind", "x").unwrap_err().code,
            "unknown_value"
        );
    }

    proptest! {
        #[test]
        fn subtree_range_matches_prefix(a in proptest::collection::vec(1i64..200, 1..5),
                                        b in proptest::collection::vec(1i64..200, 1..5)) {
            let mk = |v: &[i64]| { let mut s = OrgPath::root(v[0]); for id in &v[1..] { s = s.child(*id); } s };
            let (pa, pb) = (mk(&a), mk(&b));
            let in_range = pb.as_str() >= pa.as_str() && pb.as_str() < pa.upper_bound().as_str();
            prop_assert_eq!(in_range, pb.is_within(&pa));
        }
    }
}
