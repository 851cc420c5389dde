//! Notices through `/api/v1` and the pages: issue → inbox → 签收 → status, the relay chain
//! national → province → city both ways, immutability and corrections, bad input, permissions
//! and the public page.

use crate::support::{PASSWORD, TestApp};
use chrono::Duration;
use renke_domain::perm::Role;
use serde_json::{Value, json};

fn samr_notice(publication: &str, campaign_id: Option<i64>) -> Value {
    json!({
        "issuer_code": "CN",
        "doc_number": "市监认证函 [2022] 764号",
        "title": "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知",
        "recipients": [{"org_code": "CN", "children_kind": "regulator", "label": "各省、自治区、直辖市市场监管局"}],
        "body": "一、总体安排\n（一）主场活动\n市场监管总局（认监委）在北京举办主场活动。\n<script>alert(1)</script>",
        "attachments": [],
        "written_on": "2022-05-27",
        "contacts": [{"name": "余测试", "phone": "010-00000000", "email": "test@example.cn"}],
        "publication": publication,
        "printed_by": "市场监管总局办公厅",
        "printed_on": "2022-05-27",
        "campaign_id": campaign_id,
    })
}

fn gd_relay() -> Value {
    json!({
        "issuer_code": "GD",
        "doc_number": "粤市监认监（2022）253号",
        "title": "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知",
        "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
        "body": "一、活动主要内容\n（一）集中收看总局活动",
        "written_on": "2022-06-01",
        "publication": "not_public",
        "cc": "省档案馆",
    })
}

async fn setup(app: &TestApp) {
    app.tree().await;
    app.account("cn.org", Role::Organiser, "CN").await;
    app.account("gd.org", Role::Organiser, "GD").await;
    app.account("gd.staff", Role::Staff, "GD").await;
    app.account("sz.staff", Role::Staff, "GD-SZ").await;
    app.account("sz.org", Role::Organiser, "GD-SZ").await;
    app.account("sh.staff", Role::Staff, "SH").await;
}

#[tokio::test]
async fn issue_inbox_acknowledge_status_relay_and_correct() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let gd_staff = app.login("gd.staff", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let sh = app.login("sh.staff", PASSWORD).await;

        let r = cn
            .post("/api/v1/notices", samr_notice("not_public", None))
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["doc_number"], "市监认证函〔2022〕764号");
        assert_eq!(r.body["status"], "draft");
        // A draft is nobody's business but the issuer's.
        assert_eq!(
            gd_staff.get(&format!("/api/v1/notices/{id}")).await.status,
            403,
            "{l}"
        );
        assert_eq!(gd_staff.get("/api/v1/notices/inbox").await.body["total"], 0);
        // Staff may not issue.
        assert_eq!(
            gd_staff
                .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
                .await
                .status,
            403
        );
        let r = cn
            .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("issued")),
            "{l}: {}",
            r.text
        );

        // In Guangdong's inbox, unacknowledged.
        let inbox = gd_staff.get("/api/v1/notices/inbox").await;
        assert_eq!(
            (
                inbox.body["total"].as_i64(),
                inbox.body["unacknowledged"].as_i64()
            ),
            (Some(1), Some(1)),
            "{l}"
        );
        assert_eq!(inbox.body["items"][0]["notice"]["id"], id);
        app.clock.advance(Duration::hours(3));
        let ack = gd_staff
            .post(&format!("/api/v1/notices/{id}/acknowledge"), json!({}))
            .await;
        assert_eq!(ack.status, 200, "{l}: {}", ack.text);
        assert!(
            ack.body["acknowledged_at"]
                .as_str()
                .unwrap()
                .starts_with("2022-05-01T05:00:00")
        );
        let again = gd_staff
            .post(&format!("/api/v1/notices/{id}/acknowledge"), json!({}))
            .await;
        assert_eq!(
            (again.status, again.code()),
            (409, "already_acknowledged"),
            "{l}"
        );
        // Shenzhen is not addressed (yet): a notice not public is none of its business.
        let not_recipient = sz
            .post(&format!("/api/v1/notices/{id}/acknowledge"), json!({}))
            .await;
        assert_eq!(
            (not_recipient.status, not_recipient.code()),
            (403, "forbidden"),
            "{l}"
        );

        // The sender's status: Guangdong yes, Shanghai not; staff of a recipient may not look.
        let st = cn.get(&format!("/api/v1/notices/{id}/status")).await;
        assert_eq!(st.status, 200, "{l}: {}", st.text);
        assert_eq!(
            (st.body["total"].as_i64(), st.body["acknowledged"].as_i64()),
            (Some(2), Some(1))
        );
        assert_eq!(
            st.body["rows"][0]["org_name"], "上海市市场监督管理局",
            "not acknowledged first"
        );
        assert_eq!(st.body["rows"][1]["acknowledged_by"], "测试gd.staff");
        assert_eq!(
            gd_staff
                .get(&format!("/api/v1/notices/{id}/status"))
                .await
                .status,
            403
        );

        // Guangdong relays to its city bureaus; the chain shows both ways.
        let r = gd
            .post(&format!("/api/v1/notices/{id}/relay"), gd_relay())
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let relay = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["relays_id"], id);
        assert_eq!(r.body["doc_number"], "粤市监认监〔2022〕253号");
        assert_eq!(
            gd.post(&format!("/api/v1/notices/{relay}/issue"), json!({}))
                .await
                .status,
            200
        );
        // Shanghai was not sent Guangdong's notice: it can neither read nor acknowledge it.
        assert_eq!(
            sh.get(&format!("/api/v1/notices/{relay}")).await.status,
            403,
            "{l}"
        );
        assert_eq!(
            sh.post(&format!("/api/v1/notices/{relay}/acknowledge"), json!({}))
                .await
                .status,
            403,
            "{l}"
        );
        // Shanghai cannot relay what it reads but Guangdong's org did not send it.
        let sz_ack = sz
            .post(&format!("/api/v1/notices/{relay}/acknowledge"), json!({}))
            .await;
        assert_eq!(sz_ack.status, 200, "{l}: {}", sz_ack.text);

        let national = sz.get(&format!("/api/v1/notices/{id}")).await;
        assert_eq!(national.status, 200, "{l}");
        assert_eq!(national.body["relayed_by"][0]["notice"]["id"], relay);
        let city_view = sz.get(&format!("/api/v1/notices/{relay}")).await;
        assert_eq!(city_view.body["relays"][0]["notice"]["id"], id);
        assert!(city_view.body["my_delivery"]["acknowledged_at"].is_string());

        // SAMR's status covers the whole cascade: 2 provinces + 2 Guangdong cities.
        let st = cn.get(&format!("/api/v1/notices/{id}/status")).await;
        assert_eq!(
            (st.body["total"].as_i64(), st.body["acknowledged"].as_i64()),
            (Some(4), Some(2)),
            "{l}"
        );

        // Issued means immutable; a correction is version 2 with history.
        let edit = cn
            .put(
                &format!("/api/v1/notices/{id}"),
                samr_notice("active", None),
            )
            .await;
        assert_eq!(
            (edit.status, edit.code()),
            (409, "notice_issued"),
            "{l}: {}",
            edit.text
        );
        let v2 = cn
            .post(&format!("/api/v1/notices/{id}/correct"), json!({}))
            .await;
        assert_eq!(v2.status, 201, "{l}: {}", v2.text);
        let v2_id = v2.body["id"].as_i64().unwrap();
        assert_eq!(
            (
                v2.body["version"].as_i64(),
                v2.body["supersedes_id"].as_i64()
            ),
            (Some(2), Some(id))
        );
        let mut fixed = samr_notice("not_public", None);
        fixed["body"] = json!("一、总体安排\n更正后的正文。");
        assert_eq!(
            cn.put(&format!("/api/v1/notices/{v2_id}"), fixed)
                .await
                .status,
            200
        );
        assert_eq!(
            cn.post(&format!("/api/v1/notices/{v2_id}/issue"), json!({}))
                .await
                .status,
            200
        );
        let hist = cn.get(&format!("/api/v1/notices/{v2_id}")).await;
        let versions: Vec<i64> = hist.body["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_i64().unwrap())
            .collect();
        assert_eq!(versions, [1, 2], "{l}");
        let old = cn.get(&format!("/api/v1/notices/{id}")).await;
        assert!(
            old.body["notice"]["body"]
                .as_str()
                .unwrap()
                .contains("主场活动"),
            "version 1 unchanged"
        );
        let twice = cn
            .post(&format!("/api/v1/notices/{id}/correct"), json!({}))
            .await;
        assert_eq!((twice.status, twice.code()), (409, "already_corrected"));
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_input_names_every_field_and_writes_nothing() {
    for app in TestApp::spawn_all().await {
        setup(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let mut bad = samr_notice("active", None);
        bad["doc_number"] = json!("764号");
        bad["title"] = json!("  ");
        bad["recipients"] = json!([]);
        let r = cn.post("/api/v1/notices", bad).await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid_input"),
            "{}: {}",
            app.label(),
            r.text
        );
        assert_eq!(r.fields(), ["doc_number", "title", "recipients"]);
        assert_eq!(
            r.field_code("doc_number").as_deref(),
            Some("doc_number_format")
        );
        assert!(
            r.body["fields"][0]["message_zh"]
                .as_str()
                .unwrap()
                .contains("发文字号")
        );
        let mut unknown = samr_notice("active", None);
        unknown["recipients"] = json!([{"org_code": "NOPE"}]);
        unknown["doc_number"] = json!("市监认证函〔22〕764号");
        let r = cn.post("/api/v1/notices", unknown).await;
        assert_eq!(r.fields(), ["recipients[0]", "doc_number"], "{}", r.text);
        assert_eq!(
            r.field_code("doc_number").as_deref(),
            Some("doc_number_year")
        );
        assert_eq!(
            cn.get("/api/v1/notices").await.body["total"],
            0,
            "nothing written"
        );
        // The page form answers the same with inline messages.
        app.finish().await;
    }
}

/// Shanghai's 2022 publicity notice has no 发文字号: such a notice is stored without one
/// and shows 无文号 (not an invented number), in the API as null.
#[tokio::test]
async fn a_notice_without_a_doc_number_shows_none() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let mut body = gd_relay();
        body["doc_number"] = json!("");
        let r = gd.post("/api/v1/notices", body).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(r.body["doc_number"], Value::Null, "{l}");
        let id = r.body["id"].as_i64().unwrap();
        // Edited with "无文号" typed in: still none.
        let mut body = gd_relay();
        body["doc_number"] = json!("无文号");
        let r = gd.put(&format!("/api/v1/notices/{id}"), body).await;
        assert_eq!(
            (r.status, &r.body["doc_number"]),
            (200, &Value::Null),
            "{l}: {}",
            r.text
        );
        let r = gd
            .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let page = sz.get(&format!("/notices/{id}")).await;
        assert!(page.text.contains("无文号"), "{l}");
        assert!(!page.text.contains("〔2022〕"), "{l}");
        let list = sz.get("/notices").await;
        assert!(list.text.contains("<td>无文号</td>"), "{l}: {}", list.text);
        let en = sz
            .send(
                sz.request(reqwest::Method::GET, "/notices")
                    .header("accept-language", "en"),
            )
            .await;
        assert!(en.text.contains("No document number"), "{l}");
        // A relay of it cites it by title alone.
        let sz_org = app.login("sz.org", PASSWORD).await;
        let relay = sz_org.get(&format!("/notices/{id}/relay")).await;
        assert!(
            relay.text.contains(
                "现将《广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知》转发给你们"
            ),
            "{l}: {}",
            relay.text
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn public_page_lists_issued_public_notices_only() {
    for app in TestApp::spawn_all().await {
        setup(&app).await;
        let cn = app.login("cn.org", PASSWORD).await;
        let camp = cn
            .post(
                "/api/v1/campaigns",
                json!({"title": "第十五个世界认可日", "day": "2022-06-09", "owner_code": "CN", "public": true}),
            )
            .await;
        assert_eq!(camp.status, 201, "{}", camp.text);
        let cid = camp.body["id"].as_i64().unwrap();
        let issued = cn
            .post("/api/v1/notices", samr_notice("active", Some(cid)))
            .await;
        let issued_id = issued.body["id"].as_i64().unwrap();
        cn.post(&format!("/api/v1/notices/{issued_id}/issue"), json!({}))
            .await;
        let mut draft = samr_notice("active", Some(cid));
        draft["title"] = json!("尚未印发的草稿通知");
        assert_eq!(cn.post("/api/v1/notices", draft).await.status, 201);

        let anon = app.anonymous();
        let page = anon.get(&format!("/campaigns/{cid}")).await;
        assert_eq!(page.status, 200);
        assert!(
            page.text.contains("市监认证函〔2022〕764号"),
            "{}",
            app.label()
        );
        assert!(page.text.contains(&format!("/notices/{issued_id}")));
        assert!(!page.text.contains("尚未印发的草稿通知"));
        // The public notice page needs no login and escapes the body.
        let n = anon.get(&format!("/notices/{issued_id}")).await;
        assert_eq!(n.status, 200, "{}", n.text);
        assert!(n.text.contains("国家市场监督管理总局"));
        assert!(
            n.text.contains("script&#62;alert(1)") || n.text.contains("script&gt;alert(1)"),
            "escaped"
        );
        assert!(!n.text.contains("<script>alert"));
        assert!(n.text.contains("主动公开"));
        // Its relays below: a visitor sees the public one, not the other.
        let gd = app.login("gd.org", PASSWORD).await;
        let mut open = gd_relay();
        open["doc_number"] = json!("粤市监认监（2022）254号");
        open["publication"] = json!("active");
        let mut relays = Vec::new();
        for body in [gd_relay(), open] {
            let r = gd
                .post(&format!("/api/v1/notices/{issued_id}/relay"), body)
                .await;
            assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
            let relay = r.body["id"].as_i64().unwrap();
            let issue = gd
                .post(&format!("/api/v1/notices/{relay}/issue"), json!({}))
                .await;
            assert_eq!(issue.status, 200, "{}", issue.text);
            relays.push(relay);
        }
        let (closed, open) = (relays[0], relays[1]);
        let n = anon.get(&format!("/notices/{issued_id}")).await;
        assert!(
            n.text.contains("粤市监认监〔2022〕254号"),
            "{}",
            app.label()
        );
        assert!(n.text.contains(&format!("/notices/{open}\"")));
        assert!(
            !n.text.contains("粤市监认监〔2022〕253号")
                && !n.text.contains(&format!("/notices/{closed}\"")),
            "{}: a relay not public is not shown to visitors",
            app.label()
        );
        // Staff who may read both see both.
        let mine = gd.get(&format!("/notices/{issued_id}")).await;
        assert!(mine.text.contains(&format!("/notices/{closed}\"")));
        assert!(mine.text.contains(&format!("/notices/{open}\"")));
        app.finish().await;
    }
}

#[tokio::test]
async fn pages_draft_issue_inbox_acknowledge_and_status() {
    use crate::pages::{form_login, get, post};
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let (cn, cn_csrf) = form_login(&app, "cn.org").await;
        // The form picks: the issuer from the directory (type a name or code), the campaign
        // from a list; nothing asks for a number.
        let (_, _, form) = get(&cn, &app, "/notices/new").await;
        assert!(
            form.contains("list=\"issuer-orgs\"")
                && form.contains("<option value=\"GD\">广东省市场监督管理局</option>")
                && form.contains("<select id=\"campaign_id\" name=\"campaign_id\">")
                && form.contains("name=\"recipient_pick\" value=\"上海市市场监督管理局\""),
            "{l}: {form}"
        );
        // Bad input: every field named inline, nothing written.
        let (status, _, html) = post(
            &cn,
            &app,
            "/notices/new",
            &[
                ("_csrf", &cn_csrf),
                ("issuer_code", "CN"),
                ("doc_number", "764号"),
                ("title", ""),
                ("recipients", ""),
                ("body", "正文"),
                ("written_on", "2022-05-27"),
            ],
        )
        .await;
        assert_eq!(status, 422, "{l}: {html}");
        assert!(html.contains("发文字号格式应为"), "{l}");
        assert!(html.contains("此项为必填项"));
        assert!(
            html.contains("value=\"764号\""),
            "the entered value is kept"
        );
        let (status, location, html) = post(
            &cn,
            &app,
            "/notices/new",
            &[
                ("_csrf", &cn_csrf),
                ("issuer_code", "CN"),
                ("doc_number", "市监认证函［2022］764号"),
                (
                    "title",
                    "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知",
                ),
                ("recipients", "CN/regulator 各省、自治区、直辖市市场监管局"),
                ("body", "一、总体安排\n（一）主场活动\n正文。"),
                ("written_on", "2022-05-27"),
                ("contacts", "余测试 010-00000000 test@example.cn"),
                ("publication", "active"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{l}: {html}");
        // An addressee typed by name is found by name.
        let (status, by_name, html) = post(
            &cn,
            &app,
            "/notices/new",
            &[
                ("_csrf", &cn_csrf),
                ("issuer_code", "国家市场监督管理总局"),
                ("title", "关于报送认可日活动总结的函"),
                ("recipients", "广东省市场监督管理局"),
                ("recipient_pick", "上海市市场监督管理局"),
                ("recipient_pick", "广东省市场监督管理局"),
                ("body", "正文。"),
                ("written_on", "2022-05-27"),
                ("publication", "active"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{l}: {html}");
        let (_, _, page) = get(&cn, &app, &by_name).await;
        assert!(
            page.contains("广东省市场监督管理局，上海市市场监督管理局："),
            "{l}: typed and ticked, each once: {page}"
        );
        let (_, _, page) = get(&cn, &app, &location).await;
        assert!(page.contains("市监认证函〔2022〕764号"), "{l}");
        assert!(page.contains("各省、自治区、直辖市市场监管局："));
        assert!(page.contains("<h2 class=\"h1\">一、总体安排</h2>"));
        let id = location.trim_start_matches("/notices/").to_owned();
        let (status, to, _) = post(
            &cn,
            &app,
            &format!("/notices/{id}/issue"),
            &[("_csrf", &cn_csrf)],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (303, format!("/notices/{id}/status").as_str()),
            "{l}"
        );
        let (status, _, html) = post(
            &cn,
            &app,
            &format!("/notices/{id}/edit"),
            &[("_csrf", &cn_csrf), ("title", "改")],
        )
        .await;
        assert_eq!(status, 409, "{l}: an issued notice cannot be edited");
        assert!(html.contains("notice_issued"));

        // Guangdong's staff sees it in the inbox, unacknowledged, and acknowledges it.
        let (gd, gd_csrf) = form_login(&app, "gd.staff").await;
        let (_, _, inbox) = get(&gd, &app, "/notices").await;
        assert!(inbox.contains("1 件未签收"), "{l}: {inbox}");
        let (_, _, page) = get(&gd, &app, &format!("/notices/{id}")).await;
        assert!(page.contains(&format!("action=\"/notices/{id}/acknowledge\"")));
        let (status, _, _) = post(
            &gd,
            &app,
            &format!("/notices/{id}/acknowledge"),
            &[("_csrf", &gd_csrf)],
        )
        .await;
        assert_eq!(status, 303, "{l}");
        let (_, _, page) = get(&gd, &app, &format!("/notices/{id}")).await;
        assert!(!page.contains(&format!("action=\"/notices/{id}/acknowledge\"")));
        assert!(page.contains("chip green\">已签收"));

        // The sender's status page: counts and chips with text.
        let (status, _, st) = get(&cn, &app, &format!("/notices/{id}/status")).await;
        assert_eq!(status, 200, "{l}");
        assert!(st.contains("已签收 1"), "{st}");
        assert!(st.contains("未签收 1"));
        assert!(st.contains("测试gd.staff"));
        let (sh, _) = form_login(&app, "sh.staff").await;
        let (status, _, _) = get(&sh, &app, &format!("/notices/{id}/status")).await;
        assert_eq!(status, 403, "{l}");
        app.finish().await;
    }
}

/// (recipient rows, delivery rows, organisations delivered to) of notice `id`.
async fn recipient_rows(app: &TestApp, id: i64) -> (i64, i64, i64) {
    renke_store::on_db!(app.db(), |p| {
        let specs: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notice_recipients WHERE notice_id = $1")
                .bind(id)
                .fetch_one(p)
                .await
                .unwrap();
        let (rows, orgs): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT org_id) FROM notice_deliveries WHERE notice_id = $1",
        )
        .bind(id)
        .fetch_one(p)
        .await
        .unwrap();
        (specs, rows, orgs)
    })
}

/// Recipients named twice are one: an organisation or a group repeated is stored once, and
/// an organisation named alone and inside a group gets one delivery. A list longer than
/// 500 entries is refused on `recipients` with the cap, before any code is looked up, and
/// nothing is written; a task's recipient list likewise.
#[tokio::test]
async fn duplicate_recipients_are_merged_and_long_lists_refused() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let mut n = gd_relay();
        let group = json!({"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"});
        n["recipients"] = json!([
            {"org_code": "GD-SZ"}, group, {"org_code": "GD-SZ"}, {"org_code": " GD-SZ "},
            group, {"org_code": "GD-GZ"}
        ]);
        let r = gd.post("/api/v1/notices", n.clone()).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(
            recipient_rows(&app, id).await.0,
            3,
            "{l}: SZ, the group, GZ"
        );
        let r = gd
            .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            recipient_rows(&app, id).await,
            (3, 2, 2),
            "{l}: one delivery each to Shenzhen and Guangzhou"
        );

        // 501 entries (the same one, as a 1 MB request would carry 50,000).
        let mut long = gd_relay();
        long["doc_number"] = json!("粤市监认监〔2022〕300号");
        long["recipients"] = json!(vec![json!({"org_code": "GD-SZ"}); 501]);
        let r = gd.post("/api/v1/notices", long).await;
        assert_eq!(
            (r.status, r.code()),
            (422, "invalid_input"),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            r.field_code("recipients").as_deref(),
            Some("too_many"),
            "{l}"
        );
        let msg = r.body["fields"][0]["message_zh"].as_str().unwrap_or("");
        assert!(msg.contains("500") && msg.contains("501"), "{l}: {msg}");
        assert_eq!(
            gd.get("/api/v1/notices").await.body["total"],
            1,
            "{l}: nothing written"
        );

        // A task's recipients: a unit named twice is one; more than 500 entries are refused.
        let mut draft = gd_relay();
        draft["doc_number"] = json!("粤市监认监〔2022〕301号");
        draft["recipients"] = json!([group]);
        let r = gd.post("/api/v1/notices", draft).await;
        let draft = r.body["id"].as_i64().unwrap();
        let task = |codes: Value| json!({"kind": "summary", "title": "总结", "deadline": "2022-06-20", "recipient_codes": codes});
        let r = gd
            .post(
                &format!("/api/v1/notices/{draft}/tasks"),
                task(json!(vec!["GD-SZ"; 501])),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("recipients").as_deref(),
            Some("too_many"),
            "{l}"
        );
        let r = gd
            .post(
                &format!("/api/v1/notices/{draft}/tasks"),
                task(json!(["GD-SZ", "GD-SZ", "GD-GZ"])),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        app.finish().await;
    }
}
