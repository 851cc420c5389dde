//! Every role × action × relation over HTTP, against the permission table written out here.

use crate::support::{Client, PASSWORD, TestApp, org_body};
use renke_domain::org::{OrgPath, Relation};
use renke_domain::perm::Role;
use serde_json::json;

const T: bool = true;
const F: bool = false;

#[derive(Debug, Clone, Copy)]
enum Act {
    /// `GET /api/v1/orgs/{id}`
    View,
    /// `PUT /api/v1/orgs/{id}` with the organisation's current values
    Manage,
    /// `POST /api/v1/orgs/{id}/move` to its current parent (a move that changes nothing)
    Move,
    /// `GET /api/v1/accounts?org={id}`
    ManageAccounts,
}

/// Relation order: own, descendant, ancestor, sibling, unrelated.
const TABLE: &[(Role, Act, [bool; 5])] = &[
    (Role::Admin, Act::View, [T, T, T, T, T]),
    (Role::Admin, Act::Manage, [T, T, T, T, T]),
    (Role::Admin, Act::Move, [T, T, T, T, T]),
    (Role::Admin, Act::ManageAccounts, [T, T, T, T, T]),
    (Role::Organiser, Act::View, [T, T, T, F, F]),
    (Role::Organiser, Act::Manage, [T, T, F, F, F]),
    (Role::Organiser, Act::Move, [F, T, F, F, F]),
    (Role::Organiser, Act::ManageAccounts, [T, T, F, F, F]),
    (Role::Staff, Act::View, [T, F, T, F, F]),
    (Role::Staff, Act::Manage, [F, F, F, F, F]),
    (Role::Staff, Act::Move, [F, F, F, F, F]),
    (Role::Staff, Act::ManageAccounts, [F, F, F, F, F]),
    (Role::Viewer, Act::View, [T, T, T, F, F]),
    (Role::Viewer, Act::Manage, [F, F, F, F, F]),
    (Role::Viewer, Act::Move, [F, F, F, F, F]),
    (Role::Viewer, Act::ManageAccounts, [F, F, F, F, F]),
];

async fn attempt(c: &Client, admin: &Client, act: Act, id: i64, parent_code: &str) -> u16 {
    match act {
        Act::View => c.get(&format!("/api/v1/orgs/{id}")).await.status,
        Act::Manage => {
            let current = admin.get(&format!("/api/v1/orgs/{id}")).await.body;
            c.put(&format!("/api/v1/orgs/{id}"), org_body(&current))
                .await
                .status
        }
        Act::Move => {
            c.post(
                &format!("/api/v1/orgs/{id}/move"),
                json!({ "parent_code": parent_code }),
            )
            .await
            .status
        }
        Act::ManageAccounts => c.get(&format!("/api/v1/accounts?org={id}")).await.status,
    }
}

#[tokio::test]
async fn role_action_relation_table() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        // Every account acts for 深圳 (GD-SZ); the targets stand in each relation to it.
        let targets = [
            (Relation::Own, tree.sz, "GD"),
            (Relation::Descendant, tree.futian, "GD-SZ"),
            (Relation::Ancestor, tree.gd, "CN"),
            (Relation::Sibling, tree.gz, "GD"),
            (Relation::Unrelated, tree.sh, "CN"),
        ];
        let roles = [Role::Admin, Role::Organiser, Role::Staff, Role::Viewer];
        let mut clients = Vec::new();
        for role in roles {
            let login = format!("sz.{role}");
            app.account(&login, role, "GD-SZ").await;
            clients.push((role, app.login(&login, PASSWORD).await));
        }
        let admin = &clients[0].1;

        // The fixture really has these relations.
        let path = |v: &serde_json::Value| {
            OrgPath::from_stored(v["path"].as_str().unwrap().to_owned()).unwrap()
        };
        let own = path(&admin.get(&format!("/api/v1/orgs/{}", tree.sz)).await.body);
        for (rel, id, _) in targets {
            let p = path(&admin.get(&format!("/api/v1/orgs/{id}")).await.body);
            assert_eq!(Relation::between(&own, &p), rel);
        }

        assert_eq!(TABLE.len(), roles.len() * 4);
        let mut wrong = Vec::new();
        for (role, act, expected) in TABLE {
            let c = &clients.iter().find(|(r, _)| r == role).unwrap().1;
            for ((rel, id, parent), want) in targets.iter().zip(expected) {
                let status = attempt(c, admin, *act, *id, parent).await;
                let ok = if *want { status == 200 } else { status == 403 };
                if !ok {
                    wrong.push(format!(
                        "{role} {act:?} {rel:?}: HTTP {status}, expected {}",
                        if *want { 200 } else { 403 }
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{}:\n{}", app.label(), wrong.join("\n"));

        // The harmless moves left the tree as it was.
        let after = admin
            .get(&format!("/api/v1/orgs/{}", tree.futian))
            .await
            .body;
        assert_eq!(after["parent_id"], tree.sz);
        app.finish().await;
    }
}
