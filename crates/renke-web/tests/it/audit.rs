//! 审计日志 through the web: a change made through the API is found by the admin search
//! with who made it and from where, exported as a workbook, and shown in the object's
//! 历史 to its managers; logins are recorded; the search refuses what names nothing; and
//! only administrators search.

use crate::support::{PASSWORD, TestApp, org_body};
use calamine::{Reader, Xlsx};
use renke_domain::perm::Role;
use reqwest::Method;
use std::io::Cursor;

#[tokio::test]
async fn changes_are_searched_exported_and_shown_as_history() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let tree = app.tree().await;
        app.account("root", Role::Admin, "CN").await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        app.account("sz.staff", Role::Staff, "GD-SZ").await;
        let admin = app.login("root", PASSWORD).await;
        let gd = app.login("gd.organiser", PASSWORD).await;

        // 广东 changes 深圳's contact.
        let mut body = org_body(&gd.get(&format!("/api/v1/orgs/{}", tree.sz)).await.body);
        body["contact_name"] = "审计测试联系人".into();
        let put = gd.put(&format!("/api/v1/orgs/{}", tree.sz), body).await;
        assert_eq!(put.status, 200, "{l}: {}", put.text);
        let request_id = put.headers["x-request-id"].to_str().unwrap().to_owned();

        // The admin search by account finds it, with who, where, which request, what.
        let page = admin.get("/admin/audit?account=gd.organiser").await;
        assert_eq!(page.status, 200, "{l}");
        let html = &page.text;
        assert!(html.contains("审计测试联系人"), "{l}: the new value");
        assert!(html.contains("contact_name"), "{l}: the field");
        assert!(html.contains("PUT /api/v1/orgs/{id}"), "{l}: the action");
        assert!(html.contains("127.0.0.1"), "{l}: the address");
        assert!(
            html.contains("广东省市场监督管理局"),
            "{l}: the organisation"
        );
        assert!(html.contains("登录"), "{l}: the login is recorded too");
        let (found, _) = renke_store::audit::search(
            app.db(),
            &renke_store::audit::Filter {
                object_kind: Some("orgs".into()),
                object_id: Some(tree.sz.to_string()),
                ..Default::default()
            },
            1,
            0,
        )
        .await
        .unwrap();
        assert_eq!(
            found[0].request_id.as_deref(),
            Some(request_id.as_str()),
            "{l}"
        );
        assert_eq!(found[0].role.as_deref(), Some("organiser"));

        // A search that names nothing says which field.
        let bad = admin
            .get("/admin/audit?account=nobody&from=2022-13-01")
            .await;
        assert_eq!(bad.status, 200, "{l}");
        assert!(bad.text.contains("没有登录名为“nobody”的账户"), "{l}");
        assert!(bad.text.contains("日期格式不正确"), "{l}");

        // The export holds the same change, one row per field.
        let r = admin
            .request(
                Method::GET,
                &format!(
                    "/admin/audit/export?account=gd.organiser&kind=orgs&object={}",
                    tree.sz
                ),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{l}");
        let mut book = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let rows: Vec<Vec<String>> = sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows[0][0], "时间 Time", "{l}");
        assert!(
            rows.iter().any(|r| r[1] == "gd.organiser"
                && r[11] == "contact_name"
                && r[13] == "审计测试联系人"),
            "{l}: {rows:?}"
        );

        // 历史: 广东's organiser manages 深圳 and reads its history; 深圳's staff does not,
        // and does not search.
        let hist = gd.get(&format!("/history/orgs/{}", tree.sz)).await;
        assert_eq!(hist.status, 200, "{l}");
        assert!(hist.text.contains("审计测试联系人"), "{l}");
        let sz = app.login("sz.staff", PASSWORD).await;
        assert_eq!(
            sz.get(&format!("/history/orgs/{}", tree.sz)).await.status,
            403,
            "{l}"
        );
        assert_eq!(sz.get("/admin/audit").await.status, 403, "{l}");
        assert_eq!(gd.get("/admin/audit").await.status, 403, "{l}");
        app.finish().await;
    }
}
