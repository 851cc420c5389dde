//! The organisation tree through `/api/v1`: validation, conflicts, moves, search, paging.

use crate::support::{PASSWORD, TestApp};
use renke_domain::org::{OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::orgs::NewOrg;
use serde_json::json;

#[tokio::test]
async fn org_detail_has_ancestors_and_subtree_count() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        let c = app.login("gd.organiser", PASSWORD).await;
        let r = c.get(&format!("/api/v1/orgs/{}", tree.sz)).await;
        assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
        assert_eq!(r.body["code"], "GD-SZ");
        assert_eq!(r.body["kind"], "regulator");
        assert_eq!(r.body["admin_level"], "municipal");
        assert_eq!(r.body["subtree_count"], 3);
        assert_eq!(r.body["child_count"], 2);
        assert_eq!(r.body["may_manage"], true);
        assert_eq!(r.body["may_move"], true);
        let chain: Vec<_> = r.body["ancestors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(chain, ["CN", "GD", "GD-SZ"]);
        assert!(
            r.body["created_at"]
                .as_str()
                .unwrap()
                .starts_with("2022-05-01T02:00:00")
        );

        let missing = c.get("/api/v1/orgs/999999").await;
        assert_eq!(missing.status, 404);
        assert_eq!(missing.code(), "not_found");
        assert_eq!(c.get("/api/v1/orgs/abc").await.status, 404);
        assert_eq!(c.get("/api/v1/no-such-endpoint").await.code(), "not_found");
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_org_input_names_every_bad_field() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("cn.admin", Role::Admin, "CN").await;
        let c = app.login("cn.admin", PASSWORD).await;
        let before = renke_store::orgs::count(app.db()).await.unwrap();
        let r = c
            .post(
                "/api/v1/orgs",
                json!({
                    "parent_id": tree.gd,
                    "code": "深圳 南山",
                    "name": "  ",
                    "kind": "spaceship",
                    "region": "atlantis",
                    "contact_phone": "call me",
                    "contact_email": "not-an-address",
                }),
            )
            .await;
        assert_eq!(r.status, 422, "{}: {}", app.label(), r.text);
        assert_eq!(r.code(), "invalid_input");
        let mut fields = r.fields();
        fields.sort();
        assert_eq!(
            fields,
            [
                "code",
                "contact_email",
                "contact_phone",
                "kind",
                "name",
                "region"
            ]
        );
        assert_eq!(r.field_code("code").as_deref(), Some("invalid_code"));
        assert_eq!(r.field_code("name").as_deref(), Some("required"));
        assert_eq!(r.field_code("kind").as_deref(), Some("unknown_value"));
        let problem = &r.body["fields"].as_array().unwrap()[0];
        assert!(!problem["message_zh"].as_str().unwrap().is_empty());
        assert!(!problem["message_en"].as_str().unwrap().is_empty());

        // A regulator needs its administrative level.
        let r = c
            .post(
                "/api/v1/orgs",
                json!({"parent_id": tree.gd, "code": "GD-FS", "name": "佛山市市场监督管理局", "kind": "regulator"}),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.field_code("admin_level").as_deref(), Some("required"));

        // Not JSON at all.
        let r = c
            .send(
                c.request(reqwest::Method::POST, "/api/v1/orgs")
                    .header("content-type", "application/json")
                    .body("{"),
            )
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(r.fields(), ["body"]);
        assert_eq!(renke_store::orgs::count(app.db()).await.unwrap(), before);

        let ok = c
            .post(
                "/api/v1/orgs",
                json!({"parent_id": tree.gd, "code": "GD-FS", "name": "佛山市市场监督管理局",
                       "kind": "市场监管部门", "admin_level": "municipal", "contact_email": "fs@example.cn"}),
            )
            .await;
        assert_eq!(ok.status, 201, "{}", ok.text);
        assert_eq!(ok.body["parent_id"], tree.gd);
        assert_eq!(ok.body["depth"], 2);
        app.finish().await;
    }
}

#[tokio::test]
async fn duplicate_code_is_code_taken_and_writes_nothing() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        let c = app.login("gd.organiser", PASSWORD).await;
        let before = renke_store::orgs::count(app.db()).await.unwrap();
        let r = c
            .post(
                "/api/v1/orgs",
                json!({"parent_id": tree.sz, "code": "GD-GZ", "name": "另一个广州局",
                       "kind": "regulator", "admin_level": "district"}),
            )
            .await;
        assert_eq!(r.status, 422, "{}: {}", app.label(), r.text);
        assert_eq!(r.fields(), ["code"]);
        assert_eq!(r.field_code("code").as_deref(), Some("code_taken"));
        assert_eq!(r.body["fields"][0]["message_zh"], "该编码已被使用。");
        assert_eq!(renke_store::orgs::count(app.db()).await.unwrap(), before);
        let gz = c.get(&format!("/api/v1/orgs/{}", tree.gz)).await;
        assert_eq!(gz.body["name"], "广州市市场监督管理局");
        app.finish().await;
    }
}

#[tokio::test]
async fn move_subtree_and_refuse_move_under_own_descendant() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("cn.admin", Role::Admin, "CN").await;
        let c = app.login("cn.admin", PASSWORD).await;
        let r = c
            .post(
                &format!("/api/v1/orgs/{}/move", tree.gd),
                json!({"parent_code": "GD-SZ-FT"}),
            )
            .await;
        assert_eq!(r.status, 422, "{}: {}", app.label(), r.text);
        assert_eq!(
            r.field_code("parent").as_deref(),
            Some("move_into_own_subtree")
        );
        let r = c
            .post(
                &format!("/api/v1/orgs/{}/move", tree.sz),
                json!({"parent_code": "GD-SZ"}),
            )
            .await;
        assert_eq!(
            r.field_code("parent").as_deref(),
            Some("move_into_own_subtree")
        );
        let r = c
            .post(
                &format!("/api/v1/orgs/{}/move", tree.sz),
                json!({"parent_code": "NOPE"}),
            )
            .await;
        assert_eq!(r.field_code("parent").as_deref(), Some("unknown_org"));

        // A real move takes the subtree along.
        let r = c
            .post(
                &format!("/api/v1/orgs/{}/move", tree.sz),
                json!({"parent_code": "SH"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["parent_id"], tree.sh);
        let ft = c.get(&format!("/api/v1/orgs/{}", tree.futian)).await;
        let chain: Vec<_> = ft.body["ancestors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(chain, ["CN", "SH", "GD-SZ", "GD-SZ-FT"]);
        assert_eq!(ft.body["depth"], 3);
        let sh = c.get(&format!("/api/v1/orgs/{}", tree.sh)).await;
        assert_eq!(sh.body["subtree_count"], 5);
        app.finish().await;
    }
}

#[tokio::test]
async fn search_by_partial_chinese_name_within_what_one_sees() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("cn.admin", Role::Admin, "CN").await;
        app.account("sh.organiser", Role::Organiser, "SH").await;
        let admin = app.login("cn.admin", PASSWORD).await;
        let r = admin.get("/api/v1/orgs?q=%E6%B7%B1%E5%9C%B3").await; // 深圳
        assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
        let codes: Vec<_> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["code"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(r.body["total"], 3);
        assert!(codes.contains(&"GD-SZ".to_owned()) && codes.contains(&"LAB-SZ".to_owned()));

        let q = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let r = admin.get(&format!("/api/v1/orgs?q={}", q("福田"))).await;
        assert_eq!(r.body["total"], 1);
        assert_eq!(r.body["items"][0]["code"], "GD-SZ-FT");
        let r = admin.get(&format!("/api/v1/orgs?q={}", q("计量院"))).await;
        assert_eq!(r.body["items"][0]["code"], "LAB-SZ", "short name matches");
        let r = admin
            .get(&format!("/api/v1/orgs?q={}&kind=lab", q("深圳")))
            .await;
        assert_eq!(r.body["total"], 1);
        let r = admin
            .get(&format!(
                "/api/v1/orgs?q={}&within={}",
                q("市场监督"),
                tree.sh
            ))
            .await;
        assert_eq!(r.body["total"], 2);
        let r = admin.get("/api/v1/orgs?q=x&kind=spaceship").await;
        assert_eq!(r.status, 422);
        assert_eq!(r.fields(), ["kind"]);
        assert_eq!(admin.get("/api/v1/orgs?limit=many").await.status, 422);

        // An organiser in Shanghai finds nothing in Guangdong.
        let sh = app.login("sh.organiser", PASSWORD).await;
        let r = sh.get(&format!("/api/v1/orgs?q={}", q("深圳"))).await;
        assert_eq!(r.body["total"], 0);
        let r = sh.get(&format!("/api/v1/orgs?q={}", q("浦东"))).await;
        assert_eq!(r.body["total"], 1);
        let r = sh.get(&format!("/api/v1/orgs?within={}", tree.gd)).await;
        assert_eq!(r.status, 403);
        app.finish().await;
    }
}

#[tokio::test]
async fn paging_reports_totals() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        let districts: Vec<NewOrg> = (1..=7)
            .map(|i| {
                let mut o = NewOrg::new(
                    OrgCode::parse("code", &format!("GD-GZ-{i:02}")).unwrap(),
                    Some(OrgCode::parse("parent", "GD-GZ").unwrap()),
                    format!("广州市第{i}区市场监督管理局"),
                    OrgKind::Regulator,
                );
                o.admin_level = Some(renke_domain::org::AdminLevel::District);
                o
            })
            .collect();
        renke_store::orgs::create_many(app.db(), &districts, crate::support::t0())
            .await
            .unwrap();
        app.account("gz.organiser", Role::Organiser, "GD-GZ").await;
        let c = app.login("gz.organiser", PASSWORD).await;

        let all = c.get(&format!("/api/v1/orgs/{}/children", tree.gz)).await;
        assert_eq!(all.status, 200, "{}: {}", app.label(), all.text);
        assert_eq!(all.body["total"], 7);
        assert_eq!(all.body["limit"], 50);
        assert_eq!(all.body["offset"], 0);
        assert_eq!(all.body["items"].as_array().unwrap().len(), 7);
        assert_eq!(all.body["items"][0]["child_count"], 0);

        let last = c
            .get(&format!(
                "/api/v1/orgs/{}/children?offset=6&limit=3",
                tree.gz
            ))
            .await;
        assert_eq!(last.body["total"], 7);
        assert_eq!(last.body["offset"], 6);
        assert_eq!(last.body["limit"], 3);
        assert_eq!(last.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(last.body["items"][0]["code"], "GD-GZ-07");

        let big = c
            .get(&format!("/api/v1/orgs/{}/children?limit=100000", tree.gz))
            .await;
        assert_eq!(big.body["limit"], 500);

        let search = c.get("/api/v1/orgs?limit=2&offset=2").await;
        assert_eq!(search.body["total"], 8, "GD-GZ and its seven districts");
        assert_eq!(search.body["items"].as_array().unwrap().len(), 2);

        let accounts = c.get("/api/v1/accounts?limit=1").await;
        assert_eq!(accounts.status, 200);
        assert_eq!(accounts.body["total"], 1);
        assert_eq!(accounts.body["items"][0]["login"], "gz.organiser");
        app.finish().await;
    }
}

#[tokio::test]
async fn accounts_created_within_ones_authority() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        let c = app.login("gd.organiser", PASSWORD).await;
        let r = c
            .post(
                "/api/v1/accounts",
                json!({"login": "SZ.Staff2", "display_name": "李晓华", "org_code": "GD-SZ",
                       "role": "staff", "password": "initial-pw-1"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
        assert_eq!(r.body["login"], "sz.staff2");
        assert_eq!(r.body["org_id"], tree.sz);
        app.login("sz.staff2", "initial-pw-1").await;

        let bad = c
            .post(
                "/api/v1/accounts",
                json!({"login": "sz.staff2", "display_name": "", "org_code": "NOPE",
                       "role": "admin", "password": "123"}),
            )
            .await;
        assert_eq!(bad.status, 422);
        let mut fields = bad.fields();
        fields.sort();
        assert_eq!(fields, ["display_name", "org_code", "password", "role"]);
        let taken = c
            .post(
                "/api/v1/accounts",
                json!({"login": "sz.staff2", "display_name": "重名", "org_code": "GD-SZ",
                       "role": "viewer", "password": "initial-pw-1"}),
            )
            .await;
        assert_eq!(taken.field_code("login").as_deref(), Some("login_taken"));
        let elsewhere = c
            .post(
                "/api/v1/accounts",
                json!({"login": "sh.viewer", "display_name": "王芳", "org_code": "SH",
                       "role": "viewer", "password": "initial-pw-1"}),
            )
            .await;
        assert_eq!(elsewhere.status, 403);
        app.finish().await;
    }
}
