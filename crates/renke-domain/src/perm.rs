//! Roles and the one permission function every page and API call goes through.
//!
//! A permission is always "may this account do this action on this organisation", decided
//! from the account's role and the relation of the target to the account's organisation.

use crate::notice::Direction;
use crate::org::{OrgKind, OrgPath, Relation, string_enum};
use serde::{Deserialize, Serialize};
use std::fmt;

string_enum! {
    /// What an account may do, relative to the organisation it acts for.
    Role {
        Admin = "admin", "系统管理员", "System administrator";
        Organiser = "organiser", "组织者", "Organiser";
        Staff = "staff", "工作人员", "Staff";
        Viewer = "viewer", "查看者", "Viewer";
    }
}

impl Role {
    /// Roles ordered by power; an account may grant only roles at or below its own.
    fn rank(self) -> u8 {
        match self {
            Role::Admin => 3,
            Role::Organiser => 2,
            Role::Staff => 1,
            Role::Viewer => 0,
        }
    }
    /// Whether an account with this role may give `other` to someone.
    pub fn may_grant(self, other: Role) -> bool {
        other.rank() <= self.rank()
    }
}

/// Something an account wants to do to an organisation or to what belongs to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read the organisation, its internal campaigns and its data.
    View,
    /// Work on the organisation's behalf: acknowledge, submit, register.
    Act,
    /// Edit the organisation, create organisations under it, run its campaigns.
    Manage,
    /// Move the organisation to another parent (needs authority over it from above).
    Move,
    /// Create accounts in the organisation and reset their passwords.
    ManageAccounts,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::View,
        Action::Act,
        Action::Manage,
        Action::Move,
        Action::ManageAccounts,
    ];
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The permission table. Administrators may do everything everywhere. Organisers act for
/// their organisation's subtree and may read up the chain that sends them work. Staff act
/// for their own organisation only. Viewers read their subtree and the chain above it.
pub fn permits(role: Role, action: Action, relation: Relation) -> bool {
    use Action as A;
    use Relation as R;
    match role {
        Role::Admin => true,
        Role::Organiser => match action {
            A::View => matches!(relation, R::Own | R::Descendant | R::Ancestor),
            A::Act | A::Manage | A::ManageAccounts => matches!(relation, R::Own | R::Descendant),
            A::Move => relation == R::Descendant,
        },
        Role::Staff => match action {
            A::View => matches!(relation, R::Own | R::Ancestor),
            A::Act => relation == R::Own,
            A::Manage | A::Move | A::ManageAccounts => false,
        },
        Role::Viewer => {
            action == A::View && matches!(relation, R::Own | R::Descendant | R::Ancestor)
        }
    }
}

/// Who is asking: an account's role, the path of the organisation it acts for and that
/// organisation's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub role: Role,
    pub org_path: OrgPath,
    pub org_kind: OrgKind,
}

/// Whether organisations of this kind belong to the administration (a regulator or one of
/// its departments), which reads its superiors' internal material. Every other kind is an
/// institution (lab, certification body, company, association, …): it reads only its own
/// internal material and what is addressed to it.
pub fn is_administration(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::Regulator | OrgKind::Department)
}

/// Whether a notice issued by `issuer` (an organisation of kind `issuer_kind`) in
/// `direction` may name `recipient` as an addressee. Down (下行文): the issuer's own
/// subtree. Up (上行文): a superior of the issuer. Across (平行文): an organisation neither
/// above nor below it. Letters up and across are sent by the administration only. (The
/// sender must also Manage the issuer; that is checked on the issuer.)
pub fn addresses(
    direction: Direction,
    issuer: &OrgPath,
    issuer_kind: OrgKind,
    recipient: &OrgPath,
) -> bool {
    let rel = Relation::between(issuer, recipient);
    match direction {
        Direction::Down => matches!(rel, Relation::Own | Relation::Descendant),
        Direction::Up => is_administration(issuer_kind) && rel == Relation::Ancestor,
        Direction::Across => {
            is_administration(issuer_kind) && matches!(rel, Relation::Sibling | Relation::Unrelated)
        }
    }
}

/// Whether reports may be requested of a notice's addressees for `submit_to`: it lies in the
/// issuer's own subtree (a task never makes others report to an outsider).
pub fn may_collect_for(issuer: &OrgPath, submit_to: &OrgPath) -> bool {
    submit_to.is_within(issuer)
}

/// The refusal: which action on which organisation was not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("forbidden: {action} on {target}")]
pub struct Forbidden {
    pub action: Action,
    pub target: OrgPath,
}

impl Actor {
    /// The single permission check: `Ok` when this actor may do `action` to `target`.
    pub fn may(&self, action: Action, target: &OrgPath) -> Result<(), Forbidden> {
        let rel = Relation::between(&self.org_path, target);
        if permits(self.role, action, rel) || self.acts_for_bureau(action, target) {
            Ok(())
        } else {
            Err(Forbidden {
                action,
                target: target.clone(),
            })
        }
    }

    /// The organisation a department works for: its parent (a 司 for 总局, a 处 for its
    /// 司). Other kinds work for themselves only.
    pub fn bureau(&self) -> Option<OrgPath> {
        (self.org_kind == OrgKind::Department)
            .then(|| self.org_path.parent())
            .flatten()
    }

    /// A department acts for its bureau (办文): its accounts see what the same role sees
    /// from the bureau (its notices and their 签收情况, the tasks it collects, their
    /// dashboards and submissions down the tree), and act for the bureau itself
    /// (acknowledge, review and compile what is submitted to it). Acting for the bureau's
    /// subordinates and managing anything (editing the bureau, its accounts, issuing in
    /// its name) stays with the bureau's own accounts.
    fn acts_for_bureau(&self, action: Action, target: &OrgPath) -> bool {
        let Some(bureau) = self.bureau() else {
            return false;
        };
        match action {
            Action::View => permits(self.role, action, Relation::between(&bureau, target)),
            Action::Act => &bureau == target && permits(self.role, action, Relation::Own),
            Action::Manage | Action::Move | Action::ManageAccounts => false,
        }
    }

    /// Whether `target` is the bureau of this department or below it, and the role sees
    /// below its own organisation there (see [`Actor::acts_for_bureau`]).
    fn sees_from_bureau(&self, target: &OrgPath) -> bool {
        self.bureau().is_some_and(|b| {
            let rel = Relation::between(&b, target);
            matches!(rel, Relation::Own | Relation::Descendant)
                && permits(self.role, Action::View, rel)
        })
    }

    /// Whether this actor sees every organisation (an administrator).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this actor collects what is submitted to `submit_to`: it acts for that
    /// organisation or one above it and may view there, so it reads the submissions and
    /// sees the task's dashboards. Administrators collect everywhere.
    pub fn collects(&self, submit_to: &OrgPath) -> bool {
        let rel = Relation::between(&self.org_path, submit_to);
        self.is_admin()
            || matches!(rel, Relation::Own | Relation::Descendant)
                && permits(self.role, Action::View, rel)
            || self.sees_from_bureau(submit_to)
    }

    /// Whether this actor reviews (returns, accepts, records on paper) what is submitted to
    /// `submit_to`: it may act for that organisation.
    pub fn reviews(&self, submit_to: &OrgPath) -> bool {
        self.may(Action::Act, submit_to).is_ok()
    }

    /// Whether this actor runs proficiency-testing rounds for `provider` (能力验证提供者):
    /// it manages the provider. It then invites, approves, dispatches, enters results on a
    /// lab's behalf, evaluates, releases and reviews follow-ups.
    pub fn runs_pt(&self, provider: &OrgPath) -> bool {
        self.may(Action::Manage, provider).is_ok()
    }

    /// Whether this actor takes part in proficiency testing for `lab`: it acts for the lab
    /// (applies, confirms receipt, enters and submits results, answers follow-ups).
    pub fn takes_part_for(&self, lab: &OrgPath) -> bool {
        self.may(Action::Act, lab).is_ok()
    }

    /// Whether this actor reads `lab`'s proficiency-testing outcomes (scores once released,
    /// follow-ups, history): the lab itself and the administration above it that sees below
    /// (the regulator's view of the labs it supervises) — never another lab.
    pub fn reads_pt_of(&self, lab: &OrgPath) -> bool {
        self.collects(lab)
    }

    /// Whether this actor oversees the proficiency testing of `provider` without running
    /// it: the administration at or above the provider that may view it (a province over
    /// its own rounds, SAMR over a province's). It reads the rounds' evaluations, studies,
    /// reports and participation, and changes nothing.
    pub fn oversees_pt(&self, provider: &OrgPath) -> bool {
        self.is_admin()
            || self.is_administration()
                && provider.is_within(&self.org_path)
                && self.may(Action::View, provider).is_ok()
    }

    /// Whether this actor sees below its own organisation: lists of campaigns and of a
    /// notice's deliveries then include its subtree's, not just its own.
    pub fn sees_below(&self) -> bool {
        permits(self.role, Action::View, Relation::Descendant)
    }

    /// Whether this actor acts for the administration (see [`is_administration`]).
    pub fn is_administration(&self) -> bool {
        is_administration(self.org_kind)
    }

    /// Whether this actor reads the internal (non-public) material — campaigns, activities
    /// — owned by `owner`: it may view the owner, and when the owner is above its own
    /// organisation, it acts for the administration. Institutions never inherit their
    /// superiors' internal material.
    pub fn reads_internal_of(&self, owner: &OrgPath) -> bool {
        let rel = Relation::between(&self.org_path, owner);
        permits(self.role, Action::View, rel)
            && (rel != Relation::Ancestor || self.is_admin() || self.is_administration())
    }

    /// Whether this actor reads an issued, non-public notice of `issuer` (need to know):
    /// the issuer's organisation and those above it, as far as the role sees, read it;
    /// anyone else only when `addressed` — its organisation received the notice or a relay
    /// of it down the tree.
    pub fn reads_notice_of(&self, issuer: &OrgPath, addressed: bool) -> bool {
        let rel = Relation::between(&self.org_path, issuer);
        addressed
            || self.is_admin()
            || matches!(rel, Relation::Own | Relation::Descendant)
                && permits(self.role, Action::View, rel)
            || self.sees_from_bureau(issuer)
    }

    /// Whether an internal calendar entry of `owner` is shown to this actor: it reads the
    /// owner's internal material, or the owner lies below its own organisation.
    pub fn sees_calendar_of(&self, owner: &OrgPath) -> bool {
        self.reads_internal_of(owner) || owner.is_within(&self.org_path)
    }

    /// Whether this actor uploads publicity material (宣传资料) for `unit`: it acts for the
    /// unit as its own organisation (its staff and organisers, or a department's for its
    /// bureau) — never for a unit below, whose material it reviews instead. It then
    /// resubmits a returned material and withdraws one not yet accepted. Administrators
    /// act everywhere.
    pub fn submits_material_for(&self, unit: &OrgPath) -> bool {
        self.is_admin()
            || self.may(Action::Act, unit).is_ok()
                && (&self.org_path == unit || self.bureau().as_ref() == Some(unit))
    }

    /// Whether this actor reviews (accepts, returns) and publishes the publicity material of
    /// `unit`: it belongs to the administration and acts for the unit's superior (the
    /// bureau directly above, or — for an organiser — any organisation above that).
    /// Administrators review everywhere; a top-level unit has no reviewer.
    pub fn reviews_material_of(&self, unit: &OrgPath) -> bool {
        self.is_admin()
            || self.is_administration()
                && unit
                    .parent()
                    .is_some_and(|up| self.may(Action::Act, &up).is_ok())
    }

    /// Whether this actor reads `unit`'s publicity material before it is published: the
    /// unit itself, those above it that see below, and its reviewers — never a sibling.
    pub fn reads_material_of(&self, unit: &OrgPath) -> bool {
        self.collects(unit) || self.reviews_material_of(unit)
    }

    /// Whether this actor adds official material (posters, logos, slogans) to a campaign
    /// owned by `owner`, published at once: it manages the owner (the campaign's organiser).
    pub fn adds_official_material(&self, owner: &OrgPath) -> bool {
        self.may(Action::Manage, owner).is_ok()
    }

    /// Whether this actor keeps the industry statistics (行业统计) of `owner` — imports a
    /// year's figures, writes, publishes and shares the yearly report: it belongs to the
    /// administration and acts for the owner. Administrators keep everyone's.
    pub fn keeps_statistics_of(&self, owner: &OrgPath) -> bool {
        self.is_admin() || self.is_administration() && self.may(Action::Act, owner).is_ok()
    }

    /// Whether this actor reads `owner`'s industry statistics (every institution's figures,
    /// the analysis, draft reports): the administration at the owner or above it that
    /// sees below — never a district below, a sibling or an institution.
    pub fn reads_statistics_of(&self, owner: &OrgPath) -> bool {
        self.is_admin() || self.is_administration() && self.collects(owner)
    }

    /// Whether this actor reads the figures of one yearly report of `owner` (its analysis
    /// and its PDF, draft or published): whoever reads the owner's statistics, and a
    /// co-organiser the report is `shared_with` (a university writing it with the bureau)
    /// — for that report only, never the institutions' rows.
    pub fn reads_report_figures(&self, owner: &OrgPath, shared_with: bool) -> bool {
        shared_with || self.reads_statistics_of(owner)
    }

    /// Whether this actor acts for `unit` as its own organisation (its accounts that may
    /// act, or a department's for its bureau); administrators act everywhere. Poster
    /// distribution (海报寄送) asks it twice: who sends a shipment for the sender, and who
    /// confirms receipt and put-up (已签收, 已张贴) for an addressee.
    pub fn acts_as(&self, unit: &OrgPath) -> bool {
        self.is_admin()
            || self.may(Action::Act, unit).is_ok()
                && (&self.org_path == unit || self.bureau().as_ref() == Some(unit))
    }

    /// Whether this actor reads the whole board of a shipment sent by `sender` (every
    /// addressee's line, the counts, the export): the sender itself and those above it
    /// that see below (a superior watching its unit's distribution).
    pub fn reads_shipments_of(&self, sender: &OrgPath) -> bool {
        self.collects(sender)
    }

    /// Search (检索): the organisation around which this actor may read what is not public —
    /// its bureau for a department, its own organisation otherwise — or `None` for an
    /// administrator, who reads everything. Whatever else it reads is owned by that
    /// organisation, one above it or one below it; the search narrows its candidates to
    /// those (and to the notices that reached it) before [`Actor::reads_found`] decides.
    pub fn search_around(&self) -> Option<OrgPath> {
        if self.is_admin() {
            return None;
        }
        Some(self.bureau().unwrap_or_else(|| self.org_path.clone()))
    }

    /// Whether this actor reads a search result of `kind` that is not public, owned (issued,
    /// uploaded) by `owner`: a notice on a need-to-know basis ([`Actor::reads_notice_of`],
    /// `addressed` when it reached this actor's organisation), a material before it is
    /// published as [`Actor::reads_material_of`], a case before its collection is published
    /// as [`Actor::reads_case_of`], anything else as internal material of its owner
    /// ([`Actor::reads_internal_of`]).
    pub fn reads_found(
        &self,
        kind: crate::search::SearchKind,
        owner: &OrgPath,
        addressed: bool,
    ) -> bool {
        use crate::search::SearchKind as K;
        match kind {
            K::Notice => self.reads_notice_of(owner, addressed),
            K::Material => self.reads_material_of(owner),
            K::Case => self.reads_case_of(owner),
            K::Activity | K::Item | K::Initiative => self.reads_internal_of(owner),
        }
    }

    /// Whether this actor publishes (and closes) an industry initiative (行业倡议) in the
    /// name of `owner`: it manages the owner (an association's or a bureau's organiser).
    pub fn publishes_initiative(&self, owner: &OrgPath) -> bool {
        self.may(Action::Manage, owner).is_ok()
    }

    /// Whether this actor signs (and withdraws the signature of) an initiative for
    /// `institution` of kind `kind`. "An authorised account of the institution" is its
    /// organiser (组织者): the role that manages the institution and its accounts, acting
    /// for its own organisation. Staff and viewers do not commit the institution; nobody
    /// signs for another institution (not its superior, not an administrator); the
    /// administration never signs.
    pub fn signs_initiative_for(&self, institution: &OrgPath, kind: OrgKind) -> bool {
        crate::initiative::addressable(kind)
            && !self.is_administration()
            && self.role == Role::Organiser
            && &self.org_path == institution
    }

    /// Whether this actor follows an initiative of `owner` — who in its sector and area has
    /// signed and who has not: the publisher's managers, and the administration at or
    /// above the publisher that sees below (the bureau that guides the association).
    pub fn follows_initiative_of(&self, owner: &OrgPath) -> bool {
        self.publishes_initiative(owner) || self.is_administration() && self.collects(owner)
    }

    /// Whether this actor keeps the certificate list of a ceremony activity owned by
    /// `owner` (adds, imports, removes certificates): it runs the activity (manages the
    /// owner).
    pub fn keeps_certificates_of(&self, owner: &OrgPath) -> bool {
        self.may(Action::Manage, owner).is_ok()
    }

    /// Whether this actor runs a case collection (案例征集) owned by `owner`: it manages the
    /// owner. It then edits the call, names the panel, opens the review, selects the cases
    /// and publishes the collection, and reads every submission.
    pub fn runs_case_call(&self, owner: &OrgPath) -> bool {
        self.may(Action::Manage, owner).is_ok()
    }

    /// Whether this actor submits cases for `unit`: it acts for the unit as its own
    /// organisation (as for publicity material). The call's eligibility is checked beside.
    pub fn submits_case_for(&self, unit: &OrgPath) -> bool {
        self.submits_material_for(unit)
    }

    /// Whether this actor, named on a call's panel (`on_panel`), scores a case of `unit`:
    /// never when its organisation is the unit or inside it (a conflict of interest,
    /// [`crate::cases::in_conflict`]).
    pub fn scores_case_of(&self, on_panel: bool, unit: &OrgPath) -> bool {
        on_panel && !crate::cases::in_conflict(&self.org_path, unit)
    }

    /// Whether this actor manages its own organisation (an organiser, an administrator):
    /// it brings in the notices its organisation receives (导入通知).
    pub fn manages_own_organisation(&self) -> bool {
        self.may(Action::Manage, &self.org_path).is_ok()
    }

    /// Whether this actor reads a case of `unit` before the collection is published: the
    /// unit and those above it that see below ([`Actor::collects`]).
    pub fn reads_case_of(&self, unit: &OrgPath) -> bool {
        self.collects(unit)
    }
}

/// Whether a shipment from `sender` may go to `addressee`: an organisation below the
/// sender (a province to its cities) or a sibling (CNAS to the provincial bureaus beside
/// it under SAMR) — never the sender itself, a superior or an unrelated organisation.
pub fn ships_to(sender: &OrgPath, addressee: &OrgPath) -> bool {
    matches!(
        Relation::between(sender, addressee),
        Relation::Descendant | Relation::Sibling
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use Relation as R;

    /// Every role × action × relation, written out: the table is the specification.
    #[test]
    fn permission_table() {
        let t = true;
        let f = false;
        // relation order: own, descendant, ancestor, sibling, unrelated
        let table: &[(Role, Action, [bool; 5])] = &[
            (Role::Admin, A::View, [t, t, t, t, t]),
            (Role::Admin, A::Act, [t, t, t, t, t]),
            (Role::Admin, A::Manage, [t, t, t, t, t]),
            (Role::Admin, A::Move, [t, t, t, t, t]),
            (Role::Admin, A::ManageAccounts, [t, t, t, t, t]),
            (Role::Organiser, A::View, [t, t, t, f, f]),
            (Role::Organiser, A::Act, [t, t, f, f, f]),
            (Role::Organiser, A::Manage, [t, t, f, f, f]),
            (Role::Organiser, A::Move, [f, t, f, f, f]),
            (Role::Organiser, A::ManageAccounts, [t, t, f, f, f]),
            (Role::Staff, A::View, [t, f, t, f, f]),
            (Role::Staff, A::Act, [t, f, f, f, f]),
            (Role::Staff, A::Manage, [f, f, f, f, f]),
            (Role::Staff, A::Move, [f, f, f, f, f]),
            (Role::Staff, A::ManageAccounts, [f, f, f, f, f]),
            (Role::Viewer, A::View, [t, t, t, f, f]),
            (Role::Viewer, A::Act, [f, f, f, f, f]),
            (Role::Viewer, A::Manage, [f, f, f, f, f]),
            (Role::Viewer, A::Move, [f, f, f, f, f]),
            (Role::Viewer, A::ManageAccounts, [f, f, f, f, f]),
        ];
        assert_eq!(table.len(), Role::ALL.len() * Action::ALL.len());
        for (role, action, expected) in table {
            for (rel, want) in R::ALL.iter().zip(expected) {
                assert_eq!(
                    permits(*role, *action, *rel),
                    *want,
                    "{role} {action} {rel:?}"
                );
            }
        }
    }

    /// The named rules, role by relation to the organisation named (own, descendant,
    /// ancestor, sibling, unrelated).
    #[test]
    fn named_rules_table() {
        let t = true;
        let f = false;
        let gd = OrgPath::root(1).child(19);
        let targets = [
            gd.clone(),
            gd.child(300),
            OrgPath::root(1),
            OrgPath::root(1).child(20),
            OrgPath::root(2),
        ];
        type Rule = fn(&Actor, &OrgPath) -> bool;
        let rules: &[(&str, Rule, Role, [bool; 5])] = &[
            ("collects", Actor::collects, Role::Admin, [t, t, t, t, t]),
            (
                "collects",
                Actor::collects,
                Role::Organiser,
                [t, t, f, f, f],
            ),
            ("collects", Actor::collects, Role::Staff, [t, f, f, f, f]),
            ("collects", Actor::collects, Role::Viewer, [t, t, f, f, f]),
            ("reviews", Actor::reviews, Role::Admin, [t, t, t, t, t]),
            ("reviews", Actor::reviews, Role::Organiser, [t, t, f, f, f]),
            ("reviews", Actor::reviews, Role::Staff, [t, f, f, f, f]),
            ("reviews", Actor::reviews, Role::Viewer, [f, f, f, f, f]),
            (
                "sees_calendar_of",
                Actor::sees_calendar_of,
                Role::Admin,
                [t, t, t, t, t],
            ),
            (
                "sees_calendar_of",
                Actor::sees_calendar_of,
                Role::Organiser,
                [t, t, t, f, f],
            ),
            (
                "sees_calendar_of",
                Actor::sees_calendar_of,
                Role::Staff,
                [t, t, t, f, f],
            ),
            (
                "sees_calendar_of",
                Actor::sees_calendar_of,
                Role::Viewer,
                [t, t, t, f, f],
            ),
        ];
        for (name, rule, role, expected) in rules {
            let actor = Actor {
                account_id: 1,
                role: *role,
                org_path: gd.clone(),
                org_kind: OrgKind::Regulator,
            };
            for (target, want) in targets.iter().zip(expected) {
                assert_eq!(rule(&actor, target), *want, "{name} {role} {target:?}");
            }
        }
        let sees_below: Vec<bool> = Role::ALL
            .iter()
            .map(|&role| {
                Actor {
                    account_id: 1,
                    role,
                    org_path: gd.clone(),
                    org_kind: OrgKind::Regulator,
                }
                .sees_below()
            })
            .collect();
        assert_eq!(
            Role::ALL.iter().zip(sees_below).collect::<Vec<_>>(),
            vec![
                (&Role::Admin, t),
                (&Role::Organiser, t),
                (&Role::Staff, f),
                (&Role::Viewer, t)
            ]
        );
    }

    /// Proficiency testing: the provider (Guangdong's bureau) runs rounds; a lab takes part
    /// for itself only and reads only its own outcomes; the bureaus above a lab read its
    /// outcomes (the regulator's view); another lab reads nothing of it.
    #[test]
    fn pt_rules_table() {
        let gd = OrgPath::root(1).child(19);
        let gz = gd.child(30);
        let lab_a = gz.child(300);
        let lab_b = gz.child(301);
        /// who, role, organisation, its kind, runs_pt(gd, gz, lab_a),
        /// takes_part_for(lab_a, lab_b), reads_pt_of(lab_a, lab_b), oversees_pt(gd, gz).
        type Row<'a> = (
            &'a str,
            Role,
            &'a OrgPath,
            OrgKind,
            [bool; 3],
            [bool; 2],
            [bool; 2],
            [bool; 2],
        );
        let rows: &[Row<'_>] = &[
            (
                "provider organiser",
                Role::Organiser,
                &gd,
                OrgKind::Regulator,
                [true, true, true],
                [true, true],
                [true, true],
                [true, true],
            ),
            (
                "provider staff",
                Role::Staff,
                &gd,
                OrgKind::Regulator,
                [false, false, false],
                [false, false],
                [false, false],
                [true, false],
            ),
            (
                "provincial viewer",
                Role::Viewer,
                &gd,
                OrgKind::Regulator,
                [false, false, false],
                [false, false],
                [true, true],
                [true, true],
            ),
            (
                "city organiser",
                Role::Organiser,
                &gz,
                OrgKind::Regulator,
                [false, true, true],
                [true, true],
                [true, true],
                [false, true],
            ),
            (
                "lab staff",
                Role::Staff,
                &lab_a,
                OrgKind::Lab,
                [false, false, false],
                [true, false],
                [true, false],
                [false, false],
            ),
            (
                "lab viewer",
                Role::Viewer,
                &lab_a,
                OrgKind::Lab,
                [false, false, false],
                [false, false],
                [true, false],
                [false, false],
            ),
            (
                "other lab organiser",
                Role::Organiser,
                &lab_b,
                OrgKind::Lab,
                [false, false, false],
                [false, true],
                [false, true],
                [false, false],
            ),
            (
                "admin",
                Role::Admin,
                &OrgPath::root(1),
                OrgKind::Regulator,
                [true, true, true],
                [true, true],
                [true, true],
                [true, true],
            ),
        ];
        for (who, role, org, kind, runs, takes, reads, oversees) in rows {
            let a = actor(*role, org, *kind);
            let got_runs = [a.runs_pt(&gd), a.runs_pt(&gz), a.runs_pt(&lab_a)];
            let got_takes = [a.takes_part_for(&lab_a), a.takes_part_for(&lab_b)];
            let got_reads = [a.reads_pt_of(&lab_a), a.reads_pt_of(&lab_b)];
            let got_oversees = [a.oversees_pt(&gd), a.oversees_pt(&gz)];
            assert_eq!(
                (got_runs, got_takes, got_reads, got_oversees),
                (*runs, *takes, *reads, *oversees),
                "{who}"
            );
        }
    }

    /// Publicity material: a city uploads for itself; the province above it reviews and
    /// publishes; a sibling city reads nothing of it; a lab under the city uploads for
    /// itself but never publishes; the campaign's organiser (the province) adds official
    /// material.
    /// Industry statistics: Shanghai's staff keep and read its figures; SAMR above reads
    /// them; a district below, another province and a lab read nothing; a university reads
    /// the figures of the one report shared with it and keeps nothing.
    #[test]
    fn statistics_rules_table() {
        let cn = OrgPath::root(1);
        let sh = cn.child(2);
        let pd = sh.child(20);
        let gd = cn.child(3);
        let uni = sh.child(40);
        /// who, role, organisation, kind, keeps_statistics_of(sh),
        /// reads_statistics_of(sh, pd), reads_report_figures(sh, shared: false, true).
        type Row<'a> = (
            &'a str,
            Role,
            &'a OrgPath,
            OrgKind,
            bool,
            [bool; 2],
            [bool; 2],
        );
        let rows: &[Row<'_>] = &[
            (
                "SH organiser",
                Role::Organiser,
                &sh,
                OrgKind::Regulator,
                true,
                [true, true],
                [true, true],
            ),
            (
                "SH staff",
                Role::Staff,
                &sh,
                OrgKind::Regulator,
                true,
                [true, false],
                [true, true],
            ),
            (
                "SH viewer",
                Role::Viewer,
                &sh,
                OrgKind::Regulator,
                false,
                [true, true],
                [true, true],
            ),
            (
                "SAMR organiser",
                Role::Organiser,
                &cn,
                OrgKind::Regulator,
                true,
                [true, true],
                [true, true],
            ),
            (
                "Pudong organiser",
                Role::Organiser,
                &pd,
                OrgKind::Regulator,
                false,
                [false, true],
                [false, true],
            ),
            (
                "GD organiser",
                Role::Organiser,
                &gd,
                OrgKind::Regulator,
                false,
                [false, false],
                [false, true],
            ),
            (
                "university staff",
                Role::Staff,
                &uni,
                OrgKind::University,
                false,
                [false, false],
                [false, true],
            ),
            (
                "university organiser",
                Role::Organiser,
                &uni,
                OrgKind::University,
                false,
                [false, false],
                [false, true],
            ),
            (
                "admin",
                Role::Admin,
                &cn,
                OrgKind::Regulator,
                true,
                [true, true],
                [true, true],
            ),
        ];
        for (who, role, org, kind, keeps, reads, figures) in rows {
            let a = actor(*role, org, *kind);
            let got = (
                a.keeps_statistics_of(&sh),
                [a.reads_statistics_of(&sh), a.reads_statistics_of(&pd)],
                [
                    a.reads_report_figures(&sh, false),
                    a.reads_report_figures(&sh, true),
                ],
            );
            assert_eq!(got, (*keeps, *reads, *figures), "{who}");
        }
    }

    #[test]
    fn publicity_rules_table() {
        let gd = OrgPath::root(1).child(19);
        let gz = gd.child(30);
        let sz = gd.child(31);
        let lab = gz.child(300);
        /// who, role, organisation, kind, submits_material_for(gz, lab),
        /// reviews_material_of(gz, lab, gd), reads_material_of(gz, lab),
        /// adds_official_material(gd).
        type Row<'a> = (
            &'a str,
            Role,
            &'a OrgPath,
            OrgKind,
            [bool; 2],
            [bool; 3],
            [bool; 2],
            bool,
        );
        let rows: &[Row<'_>] = &[
            (
                "province organiser",
                Role::Organiser,
                &gd,
                OrgKind::Regulator,
                [false, false],
                [true, true, false],
                [true, true],
                true,
            ),
            (
                "province staff",
                Role::Staff,
                &gd,
                OrgKind::Regulator,
                [false, false],
                [true, false, false],
                [true, false],
                false,
            ),
            (
                "province viewer",
                Role::Viewer,
                &gd,
                OrgKind::Regulator,
                [false, false],
                [false, false, false],
                [true, true],
                false,
            ),
            (
                "city staff",
                Role::Staff,
                &gz,
                OrgKind::Regulator,
                [true, false],
                [false, true, false],
                [true, true],
                false,
            ),
            (
                "other city organiser",
                Role::Organiser,
                &sz,
                OrgKind::Regulator,
                [false, false],
                [false, false, false],
                [false, false],
                false,
            ),
            (
                "lab organiser",
                Role::Organiser,
                &lab,
                OrgKind::Lab,
                [false, true],
                [false, false, false],
                [false, true],
                false,
            ),
            (
                "admin",
                Role::Admin,
                &OrgPath::root(1),
                OrgKind::Regulator,
                [true, true],
                [true, true, true],
                [true, true],
                true,
            ),
        ];
        for (who, role, org, kind, submits, reviews, reads, official) in rows {
            let a = actor(*role, org, *kind);
            let got = (
                [a.submits_material_for(&gz), a.submits_material_for(&lab)],
                [
                    a.reviews_material_of(&gz),
                    a.reviews_material_of(&lab),
                    a.reviews_material_of(&gd),
                ],
                [a.reads_material_of(&gz), a.reads_material_of(&lab)],
                a.adds_official_material(&gd),
            );
            assert_eq!(got, (*submits, *reviews, *reads, *official), "{who}");
        }
    }

    /// Poster distribution (海报寄送): who sends for a unit and confirms for an addressee
    /// (`acts_as`), who reads a sender's whole board (`reads_shipments_of`), and where a
    /// shipment may go (`ships_to`: below the sender or beside it, as CNAS beside the
    /// provinces under SAMR).
    #[test]
    fn shipment_rules_table() {
        let samr = OrgPath::root(1);
        let cnas = samr.child(5);
        let gd = samr.child(19);
        let gd_dept = gd.child(40);
        let gz = gd.child(30);
        let sz = gd.child(31);
        let lab = gz.child(300);
        /// who, role, organisation, kind, acts_as(gd, gz), reads_shipments_of(gd, cnas).
        type Row<'a> = (&'a str, Role, &'a OrgPath, OrgKind, [bool; 2], [bool; 2]);
        let rows: &[Row<'_>] = &[
            (
                "province organiser",
                Role::Organiser,
                &gd,
                OrgKind::Regulator,
                [true, false],
                [true, false],
            ),
            (
                "province staff",
                Role::Staff,
                &gd,
                OrgKind::Regulator,
                [true, false],
                [true, false],
            ),
            (
                "province viewer",
                Role::Viewer,
                &gd,
                OrgKind::Regulator,
                [false, false],
                [true, false],
            ),
            (
                "province department staff",
                Role::Staff,
                &gd_dept,
                OrgKind::Department,
                [true, false],
                [true, false],
            ),
            (
                "city staff",
                Role::Staff,
                &gz,
                OrgKind::Regulator,
                [false, true],
                [false, false],
            ),
            (
                "SAMR organiser",
                Role::Organiser,
                &samr,
                OrgKind::Regulator,
                [false, false],
                [true, true],
            ),
            (
                "CNAS staff",
                Role::Staff,
                &cnas,
                OrgKind::AccreditationBody,
                [false, false],
                [false, true],
            ),
            (
                "lab organiser",
                Role::Organiser,
                &lab,
                OrgKind::Lab,
                [false, false],
                [false, false],
            ),
            (
                "admin",
                Role::Admin,
                &samr,
                OrgKind::Regulator,
                [true, true],
                [true, true],
            ),
        ];
        for (who, role, org, kind, acts, reads) in rows {
            let a = actor(*role, org, *kind);
            let got = (
                [a.acts_as(&gd), a.acts_as(&gz)],
                [a.reads_shipments_of(&gd), a.reads_shipments_of(&cnas)],
            );
            assert_eq!(got, (*acts, *reads), "{who}");
        }
        // sender, addressee, allowed
        let ships: &[(&OrgPath, &OrgPath, bool)] = &[
            (&cnas, &gd, true),
            (&gd, &gz, true),
            (&gd, &lab, true),
            (&gz, &sz, true),
            (&gd, &gd, false),
            (&gd, &samr, false),
            (&cnas, &gz, false),
            (&gz, &cnas, false),
        ];
        for (from, to, want) in ships {
            assert_eq!(ships_to(from, to), *want, "{from:?} → {to:?}");
        }
    }

    /// Case collections: the province's organiser runs its call; a city's staff submit for
    /// the city, never for the lab below it; a panel member scores a case unless its
    /// organisation is the submitting unit or inside it (a lab below a city scores no case
    /// of that city); the lab's case is read by the lab and the city above that sees below,
    /// never by a sibling city.
    #[test]
    fn cases_rules_table() {
        let gd = OrgPath::root(1).child(19);
        let sz = gd.child(30);
        let gz = gd.child(31);
        let lab = sz.child(300);
        /// who, role, organisation, kind, runs_case_call(gd), submits_case_for(sz, lab),
        /// scores_case_of(on panel: sz, lab; not on panel: sz), reads_case_of(lab).
        type Row<'a> = (
            &'a str,
            Role,
            &'a OrgPath,
            OrgKind,
            bool,
            [bool; 2],
            [bool; 3],
            bool,
        );
        let rows: &[Row<'_>] = &[
            (
                "province organiser",
                Role::Organiser,
                &gd,
                OrgKind::Regulator,
                true,
                [false, false],
                [true, true, false],
                true,
            ),
            (
                "province staff",
                Role::Staff,
                &gd,
                OrgKind::Regulator,
                false,
                [false, false],
                [true, true, false],
                false,
            ),
            (
                "city staff",
                Role::Staff,
                &sz,
                OrgKind::Regulator,
                false,
                [true, false],
                [false, true, false],
                false,
            ),
            (
                "city organiser",
                Role::Organiser,
                &sz,
                OrgKind::Regulator,
                false,
                [true, false],
                [false, true, false],
                true,
            ),
            (
                "other city organiser",
                Role::Organiser,
                &gz,
                OrgKind::Regulator,
                false,
                [false, false],
                [true, true, false],
                false,
            ),
            (
                // The lab sits inside Shenzhen's subtree (it supervises the lab): scoring
                // Shenzhen's case is a conflict, as for any reviewer inside the unit.
                "lab staff",
                Role::Staff,
                &lab,
                OrgKind::Lab,
                false,
                [false, true],
                [false, false, false],
                true,
            ),
            (
                "admin",
                Role::Admin,
                &OrgPath::root(1),
                OrgKind::Regulator,
                true,
                [true, true],
                [true, true, false],
                true,
            ),
        ];
        for (who, role, org, kind, runs, submits, scores, reads) in rows {
            let a = actor(*role, org, *kind);
            let got = (
                a.runs_case_call(&gd),
                [a.submits_case_for(&sz), a.submits_case_for(&lab)],
                [
                    a.scores_case_of(true, &sz),
                    a.scores_case_of(true, &lab),
                    a.scores_case_of(false, &sz),
                ],
                a.reads_case_of(&lab),
            );
            assert_eq!(got, (*runs, *submits, *scores, *reads), "{who}");
        }
    }

    fn actor(role: Role, org_path: &OrgPath, org_kind: OrgKind) -> Actor {
        Actor {
            account_id: 1,
            role,
            org_path: org_path.clone(),
            org_kind,
        }
    }

    /// Who may address whom: direction × the recipient's relation to the issuer (own,
    /// descendant, ancestor, sibling, unrelated), for an issuer in the administration and
    /// for an institution (a lab).
    #[test]
    fn addresses_table() {
        let t = true;
        let f = false;
        let issuer = OrgPath::root(1).child(19).child(300);
        let recipients = [
            issuer.clone(),
            issuer.child(4000),
            OrgPath::root(1).child(19),
            OrgPath::root(1).child(19).child(301),
            OrgPath::root(1).child(20).child(400),
        ];
        let table: &[(Direction, OrgKind, [bool; 5])] = &[
            (Direction::Down, OrgKind::Regulator, [t, t, f, f, f]),
            (Direction::Down, OrgKind::Department, [t, t, f, f, f]),
            (Direction::Down, OrgKind::Lab, [t, t, f, f, f]),
            (Direction::Up, OrgKind::Regulator, [f, f, t, f, f]),
            (Direction::Up, OrgKind::Department, [f, f, t, f, f]),
            (Direction::Up, OrgKind::Lab, [f, f, f, f, f]),
            (Direction::Across, OrgKind::Regulator, [f, f, f, t, t]),
            (Direction::Across, OrgKind::Department, [f, f, f, t, t]),
            (Direction::Across, OrgKind::Lab, [f, f, f, f, f]),
            (Direction::Across, OrgKind::Association, [f, f, f, f, f]),
        ];
        for (direction, kind, expected) in table {
            for (r, want) in recipients.iter().zip(expected) {
                assert_eq!(
                    addresses(*direction, &issuer, *kind, r),
                    *want,
                    "{direction} {kind} {r:?}"
                );
            }
        }
        // Only down carries tasks, and their submit-to lies in the issuer's subtree.
        assert!(Direction::Down.carries_tasks());
        assert!(!Direction::Up.carries_tasks() && !Direction::Across.carries_tasks());
        let collect: Vec<bool> = recipients
            .iter()
            .map(|r| may_collect_for(&issuer, r))
            .collect();
        assert_eq!(collect, [t, t, f, f, f]);
    }

    /// Internal material (campaigns, activities) of an organisation at each relation, read
    /// by an account of a regulator and by an account of a lab: institutions never inherit
    /// their superiors' internal material.
    #[test]
    fn internal_material_table() {
        let t = true;
        let f = false;
        let me = OrgPath::root(1).child(19).child(300);
        let owners = [
            me.clone(),
            me.child(4000),
            OrgPath::root(1).child(19),
            OrgPath::root(1).child(19).child(301),
            OrgPath::root(2),
        ];
        let table: &[(Role, OrgKind, [bool; 5])] = &[
            (Role::Admin, OrgKind::Lab, [t, t, t, t, t]),
            (Role::Organiser, OrgKind::Regulator, [t, t, t, f, f]),
            (Role::Organiser, OrgKind::Department, [t, t, t, f, f]),
            (Role::Organiser, OrgKind::Lab, [t, t, f, f, f]),
            (Role::Staff, OrgKind::Regulator, [t, f, t, f, f]),
            (Role::Staff, OrgKind::Lab, [t, f, f, f, f]),
            (Role::Staff, OrgKind::CertificationBody, [t, f, f, f, f]),
            (Role::Staff, OrgKind::Company, [t, f, f, f, f]),
            (Role::Viewer, OrgKind::Regulator, [t, t, t, f, f]),
            (Role::Viewer, OrgKind::Association, [t, t, f, f, f]),
        ];
        for (role, kind, expected) in table {
            let a = actor(*role, &me, *kind);
            for (o, want) in owners.iter().zip(expected) {
                assert_eq!(a.reads_internal_of(o), *want, "{role} {kind} {o:?}");
            }
            // The calendar shows the subtree's entries besides.
            let cal: Vec<bool> = owners.iter().map(|o| a.sees_calendar_of(o)).collect();
            let mut want = *expected;
            want[1] = true;
            assert_eq!(cal, want, "calendar {role} {kind}");
        }
    }

    /// A non-public notice of an issuer at each relation: read by the issuer and those
    /// above it (as far as the role sees), otherwise only when addressed.
    #[test]
    fn non_public_notice_readers_table() {
        let t = true;
        let f = false;
        let me = OrgPath::root(1).child(19);
        let issuers = [
            me.clone(),
            me.child(300),
            OrgPath::root(1),
            OrgPath::root(1).child(20),
            OrgPath::root(2),
        ];
        let table: &[(Role, OrgKind, bool, [bool; 5])] = &[
            (Role::Admin, OrgKind::Regulator, f, [t, t, t, t, t]),
            (Role::Organiser, OrgKind::Regulator, f, [t, t, f, f, f]),
            (Role::Organiser, OrgKind::Regulator, t, [t, t, t, t, t]),
            (Role::Staff, OrgKind::Regulator, f, [t, f, f, f, f]),
            (Role::Staff, OrgKind::Lab, f, [t, f, f, f, f]),
            (Role::Staff, OrgKind::Lab, t, [t, t, t, t, t]),
            (Role::Viewer, OrgKind::Regulator, f, [t, t, f, f, f]),
            (Role::Viewer, OrgKind::Lab, t, [t, t, t, t, t]),
        ];
        for (role, kind, addressed, expected) in table {
            let a = actor(*role, &me, *kind);
            for (i, want) in issuers.iter().zip(expected) {
                assert_eq!(
                    a.reads_notice_of(i, *addressed),
                    *want,
                    "{role} {kind} addressed={addressed} {i:?}"
                );
            }
        }
    }

    /// A department (认证监管司 under 总局) acts for its bureau: it sees what its role sees
    /// from the bureau, acts for the bureau itself, never manages. targets: the bureau, a
    /// province under it, the department itself, an organisation outside.
    #[test]
    fn department_acts_for_its_bureau_table() {
        let t = true;
        let f = false;
        let samr = OrgPath::root(1);
        let dept = samr.child(3);
        // targets: the bureau, a sibling province, the department itself, above the bureau
        let targets = [samr.clone(), samr.child(19), dept.clone(), OrgPath::root(9)];
        let table: &[(Role, OrgKind, Action, [bool; 4])] = &[
            (Role::Organiser, OrgKind::Department, A::View, [t, t, t, f]),
            (Role::Organiser, OrgKind::Department, A::Act, [t, f, t, f]),
            (
                Role::Organiser,
                OrgKind::Department,
                A::Manage,
                [f, f, t, f],
            ),
            (
                Role::Organiser,
                OrgKind::Department,
                A::ManageAccounts,
                [f, f, t, f],
            ),
            (Role::Staff, OrgKind::Department, A::View, [t, f, t, f]),
            (Role::Staff, OrgKind::Department, A::Act, [t, f, t, f]),
            (Role::Viewer, OrgKind::Department, A::View, [t, t, t, f]),
            (Role::Viewer, OrgKind::Department, A::Act, [f, f, f, f]),
            // The same place in the tree, not a department: no such right.
            (
                Role::Organiser,
                OrgKind::PublicInstitution,
                A::View,
                [t, f, t, f],
            ),
            (
                Role::Organiser,
                OrgKind::PublicInstitution,
                A::Act,
                [f, f, t, f],
            ),
            (Role::Organiser, OrgKind::Regulator, A::Act, [f, f, t, f]),
        ];
        for (role, kind, action, expected) in table {
            let a = actor(*role, &dept, *kind);
            for (target, want) in targets.iter().zip(expected) {
                assert_eq!(
                    a.may(*action, target).is_ok(),
                    *want,
                    "{role} {kind} {action} {target:?}"
                );
            }
        }
        let organiser = actor(Role::Organiser, &dept, OrgKind::Department);
        // It collects for the bureau and sees what is submitted below it, but reviews only
        // what is submitted to the bureau itself.
        assert!(organiser.collects(&samr) && organiser.reviews(&samr));
        assert!(organiser.collects(&samr.child(19)) && !organiser.reviews(&samr.child(19)));
        assert!(organiser.reads_notice_of(&samr, false));
        assert!(organiser.reads_notice_of(&samr.child(19), false));
        assert!(!organiser.reads_notice_of(&OrgPath::root(9), false));
        let staff = actor(Role::Staff, &dept, OrgKind::Department);
        assert!(staff.collects(&samr) && !staff.collects(&samr.child(19)));
        let institute = actor(Role::Organiser, &dept, OrgKind::ResearchInstitute);
        assert!(!institute.collects(&samr) && !institute.reads_notice_of(&samr, false));
        assert_eq!(organiser.bureau(), Some(samr));
        assert_eq!(institute.bureau(), None);
    }

    #[test]
    fn actor_check_uses_paths() {
        let gd = OrgPath::root(1).child(19);
        let actor = Actor {
            account_id: 1,
            role: Role::Organiser,
            org_path: gd.clone(),
            org_kind: OrgKind::Regulator,
        };
        assert!(actor.may(A::Manage, &gd.child(300)).is_ok());
        let err = actor
            .may(A::Manage, &OrgPath::root(1).child(20))
            .unwrap_err();
        assert_eq!(err.action, A::Manage);
    }

    #[test]
    fn grants_only_downwards() {
        assert!(Role::Organiser.may_grant(Role::Staff));
        assert!(!Role::Organiser.may_grant(Role::Admin));
        assert!(Role::Admin.may_grant(Role::Admin));
    }

    /// Search: which non-public results each actor reads — a notice of the province
    /// (addressed to the city or not), a material of the Guangzhou lab awaiting review, an
    /// internal activity of the province — and around which organisation it searches.
    #[test]
    fn search_rules_table() {
        use crate::search::SearchKind as K;
        let gd = OrgPath::root(1).child(19);
        let dept = gd.child(40);
        let gz = gd.child(30);
        let sz = gd.child(31);
        let lab = gz.child(300);
        let actor = |role, org: &OrgPath, kind| Actor {
            account_id: 1,
            role,
            org_path: org.clone(),
            org_kind: kind,
        };
        // who, actor, [notice of gd not addressed, addressed], material of lab,
        // internal activity of gd, searches around.
        type Row<'a> = (&'a str, Actor, [bool; 2], bool, bool, Option<&'a OrgPath>);
        let rows: Vec<Row<'_>> = vec![
            (
                "admin",
                actor(Role::Admin, &OrgPath::root(1), OrgKind::Regulator),
                [true, true],
                true,
                true,
                None,
            ),
            (
                "province staff",
                actor(Role::Staff, &gd, OrgKind::Regulator),
                [true, true],
                false,
                true,
                Some(&gd),
            ),
            (
                "department staff",
                actor(Role::Staff, &dept, OrgKind::Department),
                [true, true],
                false,
                true,
                Some(&gd),
            ),
            (
                "Guangzhou organiser",
                actor(Role::Organiser, &gz, OrgKind::Regulator),
                [false, true],
                true,
                true,
                Some(&gz),
            ),
            (
                "Shenzhen organiser",
                actor(Role::Organiser, &sz, OrgKind::Regulator),
                [false, true],
                false,
                true,
                Some(&sz),
            ),
            (
                "the lab's staff",
                actor(Role::Staff, &lab, OrgKind::Lab),
                [false, true],
                true,
                false,
                Some(&lab),
            ),
        ];
        for (who, a, notice, material, activity, around) in rows {
            assert_eq!(
                a.reads_found(K::Notice, &gd, false),
                notice[0],
                "{who} notice"
            );
            assert_eq!(
                a.reads_found(K::Notice, &gd, true),
                notice[1],
                "{who} addressed"
            );
            assert_eq!(
                a.reads_found(K::Material, &lab, false),
                material,
                "{who} material"
            );
            assert_eq!(
                a.reads_found(K::Activity, &gd, false),
                activity,
                "{who} activity"
            );
            assert_eq!(a.search_around().as_ref(), around, "{who} around");
        }
    }

    /// The industry initiative and the certificate ceremony: Shanghai's association (under
    /// SH) publishes and follows; a lab's organiser signs for the lab only, its staff never;
    /// the bureau SH (organiser, viewer) follows without signing; a sibling bureau neither.
    #[test]
    fn initiative_rules_table() {
        let sh = OrgPath::root(1).child(2);
        let assoc = sh.child(10);
        let lab = sh.child(11);
        let gd = OrgPath::root(1).child(3);
        /// who, role, organisation, kind, publishes_initiative(assoc),
        /// signs_initiative_for(lab as lab, assoc as association),
        /// follows_initiative_of(assoc), keeps_certificates_of(sh, assoc).
        type Row<'a> = (
            &'a str,
            Role,
            &'a OrgPath,
            OrgKind,
            bool,
            [bool; 2],
            bool,
            [bool; 2],
        );
        let t = true;
        let f = false;
        let rows: &[Row<'_>] = &[
            (
                "association organiser",
                Role::Organiser,
                &assoc,
                OrgKind::Association,
                t,
                [f, t],
                t,
                [f, t],
            ),
            (
                "association staff",
                Role::Staff,
                &assoc,
                OrgKind::Association,
                f,
                [f, f],
                f,
                [f, f],
            ),
            (
                "lab organiser",
                Role::Organiser,
                &lab,
                OrgKind::Lab,
                f,
                [t, f],
                f,
                [f, f],
            ),
            (
                "lab staff",
                Role::Staff,
                &lab,
                OrgKind::Lab,
                f,
                [f, f],
                f,
                [f, f],
            ),
            (
                "lab viewer",
                Role::Viewer,
                &lab,
                OrgKind::Lab,
                f,
                [f, f],
                f,
                [f, f],
            ),
            (
                "bureau organiser",
                Role::Organiser,
                &sh,
                OrgKind::Regulator,
                t,
                [f, f],
                t,
                [t, t],
            ),
            (
                "bureau staff",
                Role::Staff,
                &sh,
                OrgKind::Regulator,
                f,
                [f, f],
                f,
                [f, f],
            ),
            (
                "bureau viewer",
                Role::Viewer,
                &sh,
                OrgKind::Regulator,
                f,
                [f, f],
                t,
                [f, f],
            ),
            (
                "other province organiser",
                Role::Organiser,
                &gd,
                OrgKind::Regulator,
                f,
                [f, f],
                f,
                [f, f],
            ),
            (
                "admin",
                Role::Admin,
                &OrgPath::root(1),
                OrgKind::Regulator,
                t,
                [f, f],
                t,
                [t, t],
            ),
        ];
        for (who, role, org, kind, publishes, signs, follows, keeps) in rows {
            let a = actor(*role, org, *kind);
            let got = (
                a.publishes_initiative(&assoc),
                [
                    a.signs_initiative_for(&lab, OrgKind::Lab),
                    a.signs_initiative_for(&assoc, OrgKind::Association),
                ],
                a.follows_initiative_of(&assoc),
                [
                    a.keeps_certificates_of(&sh),
                    a.keeps_certificates_of(&assoc),
                ],
            );
            assert_eq!(got, (*publishes, *signs, *follows, *keeps), "{who}");
        }
    }
}
