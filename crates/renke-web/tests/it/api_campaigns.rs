//! Campaigns through `/api/v1`, and the public campaign without login.

use crate::support::{PASSWORD, TestApp};
use renke_domain::perm::Role;
use serde_json::json;

fn wad_2022(public: bool) -> serde_json::Value {
    json!({
        "title": "第十五个世界认可日",
        "edition": "15",
        "day": "2022年6月9日",
        "international_theme": "认可：促进经济和环境可持续发展",
        "domestic_theme": "传递质量信任 服务绿色发展",
        "owner_code": "CN",
        "public": public,
        "local_themes": [
            {"org_code": "GD", "theme": "认可检测助力大湾区高质量发展"},
            {"org_code": "SH-PD", "theme": "浦东引领区 质量新高地"},
        ],
    })
}

#[tokio::test]
async fn create_and_update_campaign_with_local_themes() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("cn.organiser", Role::Organiser, "CN").await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        let cn = app.login("cn.organiser", PASSWORD).await;
        let r = cn.post("/api/v1/campaigns", wad_2022(true)).await;
        assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["day"], "2022-06-09");
        assert_eq!(r.body["edition"], 15);
        assert_eq!(r.body["edition_zh"], "第十五个");
        assert_eq!(r.body["owner_org_id"], tree.national);
        assert_eq!(r.body["owner_name"], "国家市场监督管理总局");
        let themes = r.body["local_themes"].as_array().unwrap();
        assert_eq!(themes.len(), 2);
        assert_eq!(themes[0]["org_id"], tree.gd);
        assert_eq!(themes[0]["org_name"], "广东省市场监督管理局");
        assert_eq!(themes[1]["theme"], "浦东引领区 质量新高地");

        let mut edit = wad_2022(false);
        edit["local_themes"] = json!([{"org_code": "GD-SZ", "theme": "深圳：计量护航"}]);
        let r = cn.put(&format!("/api/v1/campaigns/{id}"), edit).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["public"], false);
        assert_eq!(r.body["local_themes"].as_array().unwrap().len(), 1);
        assert_eq!(r.body["local_themes"][0]["org_id"], tree.sz);

        let got = cn.get(&format!("/api/v1/campaigns/{id}")).await;
        assert_eq!(got.body["local_themes"][0]["theme"], "深圳：计量护航");
        let list = cn.get("/api/v1/campaigns").await;
        assert_eq!(list.body["total"], 1);
        assert_eq!(list.body["items"][0]["id"], id);

        // Every bad field at once; unknown organisations in local themes are named by index.
        let mut bad = wad_2022(true);
        bad["title"] = json!("");
        bad["edition"] = json!("十五");
        bad["day"] = json!("6月9日");
        bad["local_themes"] =
            json!([{"org_code": "GD", "theme": "好"}, {"org_code": "NOPE", "theme": "x"}]);
        let r = cn.post("/api/v1/campaigns", bad).await;
        assert_eq!(r.status, 422);
        let mut fields = r.fields();
        fields.sort();
        assert_eq!(fields, ["day", "edition", "local_themes[1]", "title"]);

        // A provincial organiser may not run the national campaign.
        let gd = app.login("gd.organiser", PASSWORD).await;
        let r = gd
            .put(&format!("/api/v1/campaigns/{id}"), wad_2022(true))
            .await;
        assert_eq!(r.status, 403);
        let mut own = wad_2022(true);
        own["owner_code"] = json!("GD");
        own["title"] = json!("广东省世界认可日活动");
        let r = gd.post("/api/v1/campaigns", own).await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["owner_org_id"], tree.gd);
        app.finish().await;
    }
}

#[tokio::test]
async fn public_campaign_without_login() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("cn.admin", Role::Admin, "CN").await;
        let anon = app.anonymous();
        let none = anon.get("/api/v1/public/campaign").await;
        assert_eq!(none.status, 404, "{}: {}", app.label(), none.text);
        assert_eq!(none.code(), "no_public_campaign");
        assert_eq!(none.body["message_zh"], "目前没有公开的主题活动。");

        let admin = app.login("cn.admin", PASSWORD).await;
        let public = admin.post("/api/v1/campaigns", wad_2022(true)).await.body;
        let mut draft = wad_2022(false);
        draft["title"] = json!("内部筹备");
        let private = admin.post("/api/v1/campaigns", draft).await.body;

        let cur = anon.get("/api/v1/public/campaign").await;
        assert_eq!(cur.status, 200, "{}", cur.text);
        assert_eq!(cur.body["id"], public["id"]);
        assert_eq!(cur.body["domestic_theme"], "传递质量信任 服务绿色发展");
        assert_eq!(
            cur.body["international_theme"],
            "认可：促进经济和环境可持续发展"
        );
        assert_eq!(cur.body["local_themes"].as_array().unwrap().len(), 2);

        let one = anon
            .get(&format!("/api/v1/campaigns/{}", public["id"]))
            .await;
        assert_eq!(one.status, 200);
        let hidden = anon
            .get(&format!("/api/v1/campaigns/{}", private["id"]))
            .await;
        assert_eq!(hidden.status, 404);
        assert_eq!(anon.get("/api/v1/campaigns").await.status, 401);
        app.finish().await;
    }
}
