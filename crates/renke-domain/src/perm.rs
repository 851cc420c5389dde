//! Roles and the one permission function every page and API call goes through.
//!
//! A permission is always "may this account do this action on this organisation", decided
//! from the account's role and the relation of the target to the account's organisation.

use crate::org::{OrgPath, Relation, string_enum};
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

/// Who is asking: an account's role and the path of the organisation it acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub role: Role,
    pub org_path: OrgPath,
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
        if permits(self.role, action, rel) {
            Ok(())
        } else {
            Err(Forbidden {
                action,
                target: target.clone(),
            })
        }
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
    }

    /// Whether this actor reviews (returns, accepts, records on paper) what is submitted to
    /// `submit_to`: it may act for that organisation.
    pub fn reviews(&self, submit_to: &OrgPath) -> bool {
        self.may(Action::Act, submit_to).is_ok()
    }

    /// Whether this actor sees below its own organisation: lists of campaigns and of a
    /// notice's deliveries then include its subtree's, not just its own.
    pub fn sees_below(&self) -> bool {
        permits(self.role, Action::View, Relation::Descendant)
    }

    /// Whether an internal calendar entry of `owner` is shown to this actor: it may view
    /// the owner, or the owner is above or below its own organisation.
    pub fn sees_calendar_of(&self, owner: &OrgPath) -> bool {
        self.may(Action::View, owner).is_ok()
            || owner.is_within(&self.org_path)
            || self.org_path.is_within(owner)
    }
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

    #[test]
    fn actor_check_uses_paths() {
        let gd = OrgPath::root(1).child(19);
        let actor = Actor {
            account_id: 1,
            role: Role::Organiser,
            org_path: gd.clone(),
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
}
