//! Venues through the pages: the new-activity form's 会场 fieldset (main venue with its
//! participants by category, 为每个主送单位设分会场, debugging slots), and the venues page
//! of an activity (add, change and remove venues, branch venues for every addressee of
//! the notice, participants per venue, debugging slots), refused input next to its field,
//! and no change for those who do not manage the activity.

use crate::activities::setup;
use crate::pages::{csrf_field, form_login, get, post};
use crate::support::{PASSWORD, TestApp};
use renke_domain::perm::Role;
use serde_json::{Value, json};

/// Guangdong's notice to its city bureaus (深圳, 广州 in the test tree), issued; its id.
async fn gd_notice(app: &TestApp) -> i64 {
    let gd = app.login("gd.org", PASSWORD).await;
    let r = gd
        .post(
            "/api/v1/notices",
            json!({
                "issuer_code": "GD",
                "doc_number": "粤市监认监〔2022〕253号",
                "title": "关于组织开展第十五个“世界认可日”活动的通知",
                "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
                "body": "一、活动主要内容\n（一）集中收看总局活动",
                "written_on": "2022-05-01",
                "publication": "not_public",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
    let id = r.body["id"].as_i64().unwrap();
    let r = gd
        .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
    id
}

/// The `<div class="field …">` around input `id`, for checking that a message sits next
/// to its field.
fn field_block<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no input {id}: {html}"));
    let start = html[..at].rfind("<div class=\"field").unwrap();
    let end = at + html[at..].find("</div>").unwrap();
    &html[start..end]
}

/// The activity as the API returns it.
async fn activity(app: &TestApp, id: i64) -> Value {
    let gd = app.login("gd.org", PASSWORD).await;
    let r = gd.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
    r.body
}

/// (kind, name) of every venue of activity `a`, in order.
fn venues(a: &Value) -> Vec<(String, String)> {
    a["venues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["kind"].as_str().unwrap().to_owned(),
                v["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The id of the venue of `a` named `name`.
fn venue_id(a: &Value, name: &str) -> i64 {
    a["venues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no venue {name}: {a}"))["id"]
        .as_i64()
        .unwrap()
}

/// The new-activity form's fields for a collective viewing of SAMR's main event, from
/// notice `notice`, with the main venue's participants and one debugging slot.
fn viewing<'a>(token: &'a str, campaign: &'a str, notice: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", token),
        ("campaign_id", campaign),
        ("owner_code", "GD"),
        ("kind", "collective_viewing"),
        ("title", "集中收看总局“世界认可日”主场活动"),
        ("organiser_role", "host"),
        ("organiser_org", "GD"),
        ("organiser_name", ""),
        ("schedule_kind", "window"),
        ("starts_at", "2022-06-09 10:00"),
        ("ends_at", "2022-06-09 11:00"),
        ("mode", "video_conference"),
        ("notice_id", notice),
        ("venue_kind", "room"),
        ("venue_name", "广东省市场监督管理局"),
        ("venue_address", "广州市天河区天河北路"),
        ("venue_room", "1301会议室"),
        ("venue_capacity", "60"),
        ("venue_url", ""),
        ("participant_category", "leaders"),
        ("participant_label", "省局分管领导"),
        ("participant_org", ""),
        ("participant_category", "department_staff"),
        ("participant_label", "认监处全体人员"),
        ("participant_org", "GD"),
        ("participant_category", "leaders"),
        ("participant_label", ""),
        ("participant_org", ""),
        ("branch_addressees", "on"),
        ("debug_slot_label", "总局视频会议联调（省局视频会议系统）"),
        ("debug_slot_starts_at", "2022-06-08 14:30"),
        ("debug_slot_label", ""),
        ("debug_slot_starts_at", ""),
    ]
}

#[tokio::test]
async fn the_activity_form_sets_a_branch_venue_per_addressee() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let cid = campaign.to_string();
        let notice = gd_notice(&app).await;
        let nid = notice.to_string();
        let (c, _) = form_login(&app, "gd.org").await;

        // The form has the venue, its participants by category, the branch-venue action and
        // debugging slots.
        let (s, _, form) = get(&c, &app, &format!("/activities/new?campaign_id={campaign}")).await;
        assert_eq!(s, 200, "{l}: {form}");
        assert!(
            form.contains("为每个主送单位设分会场")
                && form.contains("id=\"venue_name\" name=\"venue_name\"")
                && form.contains("id=\"participant_category_2\"")
                && form.contains("<option value=\"department_heads\">处室负责人</option>")
                && form.contains("id=\"debug_slot_starts_at_1\""),
            "{l}: {form}"
        );
        let token = csrf_field(&form);

        // Refused: the branch venues without a notice, a participant of an unknown
        // organisation, a slot at no readable time; each message next to its field, what
        // was typed kept, nothing stored.
        let mut bad = viewing(&token, &cid, "");
        for (k, v) in bad.iter_mut() {
            match *k {
                "participant_org" if *v == "GD" => *v = "NOPE",
                "debug_slot_starts_at" if !v.is_empty() => *v = "6月8日下午",
                _ => {}
            }
        }
        let (s, _, back) = post(&c, &app, "/activities/new", &bad).await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "branch_addressees").contains("请先填写来源通知"),
            "{l}: {back}"
        );
        assert!(
            field_block(&back, "participant_org_1").contains("“NOPE”的机构"),
            "{l}: {back}"
        );
        assert!(
            field_block(&back, "debug_slot_starts_at_0").contains("无法识别的时间：6月8日下午"),
            "{l}: {back}"
        );
        assert!(
            back.contains("value=\"1301会议室\"")
                && back.contains("value=\"认监处全体人员\"")
                && back.contains("<option value=\"department_staff\" selected>")
                && back.contains("name=\"branch_addressees\" value=\"on\" checked"),
            "{l}: typed values kept: {back}"
        );
        assert!(
            !back.contains("venues[0]") && !back.contains("debug_slots[0]"),
            "{l}: no message left without its field: {back}"
        );
        let gd = app.login("gd.org", PASSWORD).await;
        let listed = gd
            .get(&format!("/api/v1/activities?campaign_id={campaign}"))
            .await;
        assert_eq!(listed.body["total"], 0, "{l}: nothing created");

        // Created: the venue with its participants, one branch venue per city the notice
        // is addressed to, the debugging slot.
        let (s, location, body) =
            post(&c, &app, "/activities/new", &viewing(&token, &cid, &nid)).await;
        assert_eq!(s, 303, "{l}: {body}");
        let aid: i64 = location
            .strip_prefix("/activities/")
            .and_then(|x| x.parse().ok())
            .unwrap_or_else(|| panic!("{l}: {location}"));
        let a = activity(&app, aid).await;
        assert_eq!(
            venues(&a),
            [
                ("room".into(), "广东省市场监督管理局".into()),
                ("branch".into(), "深圳市市场监督管理局".into()),
                ("branch".into(), "广州市市场监督管理局".into()),
            ],
            "{l}"
        );
        let main = &a["venues"][0];
        assert_eq!(
            (
                main["room"].as_str(),
                main["address"].as_str(),
                main["capacity"].as_i64()
            ),
            (Some("1301会议室"), Some("广州市天河区天河北路"), Some(60)),
            "{l}"
        );
        let participants: Vec<_> = main["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["category"].as_str().unwrap(),
                    p["label"].as_str().unwrap(),
                    p["org_id"].is_i64(),
                )
            })
            .collect();
        assert_eq!(
            participants,
            [
                ("leaders", "省局分管领导", false),
                ("department_staff", "认监处全体人员", true)
            ],
            "{l}: the empty row is no participant"
        );
        assert_eq!(
            a["debug_slots"][0]["label"], "总局视频会议联调（省局视频会议系统）",
            "{l}"
        );
        assert_eq!(a["debug_slots"].as_array().unwrap().len(), 1, "{l}");

        // The activity page lists the branch venues and links its venues page; there the
        // action is idempotent: a second click adds nothing.
        let (_, _, page) = get(&c, &app, &format!("/activities/{aid}")).await;
        assert!(
            page.contains(&format!("href=\"/activities/{aid}/venues\""))
                && page.contains("深圳市市场监督管理局")
                && page.contains("广州市市场监督管理局"),
            "{l}: {page}"
        );
        let (s, _, vp) = get(&c, &app, &format!("/activities/{aid}/venues")).await;
        assert_eq!(s, 200, "{l}: {vp}");
        assert!(
            vp.contains("主送单位 2 个（发起单位除外），其中 0 个尚无会场")
                && vp.contains("共 3 个会场，其中分会场 2 个。"),
            "{l}: {vp}"
        );
        let (s, location, _) = post(
            &c,
            &app,
            &format!("/activities/{aid}/venues/branches"),
            &[("_csrf", token.as_str())],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let (_, _, done) = get(&c, &app, &location).await;
        assert!(
            done.contains("已新增 0 个分会场；2 个主送单位已有会场，保持不变。"),
            "{l}: {done}"
        );
        assert_eq!(venues(&activity(&app, aid).await).len(), 3, "{l}");

        // The edit form leaves venues to the venues page.
        let (_, _, edit) = get(&c, &app, &format!("/activities/{aid}/edit")).await;
        assert!(
            edit.contains(&format!("href=\"/activities/{aid}/venues\""))
                && !edit.contains("name=\"branch_addressees\""),
            "{l}: {edit}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_venues_page_adds_branch_venues_venues_participants_and_slots() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let notice = gd_notice(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post(
                "/api/v1/activities",
                json!({
                    "campaign_id": campaign, "owner_code": "GD", "kind": "lecture",
                    "title": "专题讲座：认证认可：服务绿色发展",
                    "organisers": [{"role": "host", "org_code": "GD"}],
                    "schedule_kind": "window", "starts_at": "2022-06-08 09:30", "ends_at": "2022-06-08 11:00",
                    "mode": "video_conference", "notice_id": notice,
                    "venues": [{"kind": "main", "name": "广东省市场监督管理局", "room": "视频会议室"}],
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let aid = r.body["id"].as_i64().unwrap();
        let (c, token) = form_login(&app, "gd.org").await;
        let t = token.as_str();
        let page = format!("/activities/{aid}/venues");

        // One branch venue per addressee in one action; the second adds none.
        let (_, _, vp) = get(&c, &app, &page).await;
        assert!(vp.contains("其中 2 个尚无会场"), "{l}: {vp}");
        let branches = format!("{page}/branches");
        let (s, location, _) = post(&c, &app, &branches, &[("_csrf", t)]).await;
        assert_eq!(
            (s, location.as_str()),
            (303, format!("{page}?done=branches&added=2&kept=0").as_str()),
            "{l}"
        );
        let (_, location, _) = post(&c, &app, &branches, &[("_csrf", t)]).await;
        assert!(location.ends_with("added=0&kept=2"), "{l}: {location}");
        let a = activity(&app, aid).await;
        assert_eq!(
            venues(&a).iter().filter(|(k, _)| k == "branch").count(),
            2,
            "{l}: one branch venue per city"
        );

        // A venue: a branch venue needs its host, a host has one venue, seats are a
        // number; each refusal next to its field with what was typed kept.
        let venue = |kind: &'static str, org: &'static str, capacity: &'static str| {
            vec![
                ("_csrf", t),
                ("kind", kind),
                ("org_code", org),
                ("name", "安外办公区"),
                ("address", ""),
                ("room", "202会议室"),
                ("capacity", capacity),
                ("url", ""),
                ("participant_category", "department_heads"),
                ("participant_label", "总局相关司局负责人"),
                ("participant_org", ""),
            ]
        };
        for (form, id, message) in [
            (venue("branch", "", ""), "org_code", "此项为必填项。"),
            (
                venue("branch", "GD-SZ", ""),
                "org_code",
                "GD-SZ 已有本活动的会场。",
            ),
            (
                venue("main", "", "六十"),
                "capacity",
                "名额须为 1 到 1000000 的整数",
            ),
        ] {
            let (s, _, back) = post(&c, &app, &page, &form).await;
            assert_eq!(s, 422, "{l}: {back}");
            assert!(field_block(&back, id).contains(message), "{l}: {back}");
            assert!(
                back.contains("value=\"202会议室\"")
                    && back.contains("value=\"总局相关司局负责人\""),
                "{l}: kept: {back}"
            );
        }
        assert_eq!(
            venues(&activity(&app, aid).await).len(),
            3,
            "{l}: unchanged"
        );
        let (s, location, _) = post(&c, &app, &page, &venue("main", "", "40")).await;
        assert_eq!(
            (s, location.as_str()),
            (303, format!("{page}?done=venue_added").as_str()),
            "{l}"
        );
        let a = activity(&app, aid).await;
        let extra = venue_id(&a, "安外办公区");
        assert_eq!(
            a["venues"][3]["participants"][0]["category"], "department_heads",
            "{l}: {a}"
        );

        // Participants by category on a branch venue: added in one go, refused rows kept,
        // one removed.
        let sz = venue_id(&a, "深圳市市场监督管理局");
        let sz_page = format!("{page}/{sz}");
        let rows = [
            ("_csrf", t),
            ("participant_category", "department_heads"),
            ("participant_label", "认证认可科负责人"),
            ("participant_org", "GD-SZ"),
            ("participant_category", "leaders"),
            ("participant_label", "市局分管领导"),
            ("participant_org", ""),
            ("participant_category", "leaders"),
            ("participant_label", ""),
            ("participant_org", ""),
        ];
        let bad_rows = [
            ("_csrf", t),
            ("participant_category", "others"),
            ("participant_label", ""),
            ("participant_org", "NOPE"),
        ];
        let (s, _, back) = post(&c, &app, &format!("{sz_page}/participants"), &bad_rows).await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "participant_label_0").contains("此项为必填项。")
                && field_block(&back, "participant_org_0").contains("“NOPE”的机构")
                && back.contains("<option value=\"others\" selected>"),
            "{l}: {back}"
        );
        let (s, location, _) = post(&c, &app, &format!("{sz_page}/participants"), &rows).await;
        assert_eq!(s, 303, "{l}");
        let (_, _, vp) = get(&c, &app, &location).await;
        assert!(vp.contains("已添加 2 行参会人员。"), "{l}: {vp}");
        let leaders = vp
            .find("<h3 class=\"sub\">领导</h3>")
            .expect("leaders first");
        let heads = vp.find("<h3 class=\"sub\">处室负责人</h3>").expect("heads");
        assert!(
            leaders < heads && vp[heads..].contains("认证认可科负责人"),
            "{l}: grouped by category: {vp}"
        );
        let a = activity(&app, aid).await;
        let sz_venue = a["venues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == sz)
            .unwrap()
            .clone();
        let labels: Vec<_> = sz_venue["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["认证认可科负责人", "市局分管领导"], "{l}");
        let (s, _, _) = post(
            &c,
            &app,
            &format!("{sz_page}/participants/0/remove"),
            &[("_csrf", t)],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let a = activity(&app, aid).await;
        let left: Vec<_> = a["venues"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == sz)
            .unwrap()["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["label"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(left, ["市局分管领导"], "{l}");

        // A venue changed; one with a session is kept, one without is removed.
        let (s, _, edit) = get(&c, &app, &format!("{page}/{extra}")).await;
        assert_eq!(s, 200, "{l}");
        assert!(edit.contains("value=\"202会议室\""), "{l}: {edit}");
        let changed = [
            ("_csrf", t),
            ("kind", "main"),
            ("org_code", ""),
            ("name", "安外办公区（备用）"),
            ("address", "北京市东城区安定门外大街"),
            ("room", "202会议室"),
            ("capacity", "40"),
            ("url", ""),
        ];
        let (s, _, _) = post(&c, &app, &format!("{page}/{extra}"), &changed).await;
        assert_eq!(s, 303, "{l}");
        let a = activity(&app, aid).await;
        assert_eq!(venue_id(&a, "安外办公区（备用）"), extra, "{l}");
        let (s, _, _) = post(
            &c,
            &app,
            &format!("/activities/{aid}/sessions/new"),
            &[
                ("_csrf", t),
                ("title", "专题讲座"),
                ("starts_at", "2022-06-08 09:30"),
                ("ends_at", "2022-06-08 11:00"),
                ("venue_id", &extra.to_string()),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let (s, _, back) = post(&c, &app, &format!("{page}/{extra}/remove"), &[("_csrf", t)]).await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(back.contains("此会场有 1 个场次"), "{l}: {back}");
        let gz = venue_id(&a, "广州市市场监督管理局");
        let (s, location, _) =
            post(&c, &app, &format!("{page}/{gz}/remove"), &[("_csrf", t)]).await;
        assert_eq!(
            (s, location.as_str()),
            (303, format!("{page}?done=venue_removed").as_str()),
            "{l}"
        );
        let a = activity(&app, aid).await;
        assert_eq!(venues(&a).len(), 3, "{l}: {a}");
        assert!(
            !venues(&a).iter().any(|(_, n)| n == "广州市市场监督管理局"),
            "{l}"
        );

        // Debugging slots: a time that cannot be read is refused next to its field; one
        // added, then removed.
        let slots = format!("/activities/{aid}/debug-slots");
        let (s, _, back) = post(
            &c,
            &app,
            &slots,
            &[
                ("_csrf", t),
                ("label", "专题讲座调试"),
                ("starts_at", "6月7日下午"),
            ],
        )
        .await;
        assert_eq!(s, 422, "{l}: {back}");
        assert!(
            field_block(&back, "starts_at").contains("无法识别的时间：6月7日下午")
                && back.contains("value=\"专题讲座调试\""),
            "{l}: {back}"
        );
        let (s, _, _) = post(
            &c,
            &app,
            &slots,
            &[
                ("_csrf", t),
                ("label", "专题讲座调试"),
                ("starts_at", "2022-06-07 14:30"),
            ],
        )
        .await;
        assert_eq!(s, 303, "{l}");
        let a = activity(&app, aid).await;
        let slot = a["debug_slots"][0]["id"].as_i64().unwrap();
        assert_eq!(a["debug_slots"][0]["label"], "专题讲座调试", "{l}");
        let (s, _, _) = post(&c, &app, &format!("{slots}/{slot}/remove"), &[("_csrf", t)]).await;
        assert_eq!(s, 303, "{l}");
        let a = activity(&app, aid).await;
        assert_eq!(a["debug_slots"], json!([]), "{l}");
        app.finish().await;
    }
}

#[tokio::test]
async fn only_those_who_manage_the_activity_change_its_venues() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let notice = gd_notice(&app).await;
        app.account("gd.viewer", Role::Viewer, "GD").await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post(
                "/api/v1/activities",
                json!({
                    "campaign_id": campaign, "owner_code": "GD", "kind": "lecture",
                    "title": "公开讲座", "organisers": [{"role": "host", "org_code": "GD"}],
                    "schedule_kind": "window", "starts_at": "2022-06-08 09:30", "ends_at": "2022-06-08 11:00",
                    "mode": "offline", "public": true, "notice_id": notice,
                    "venues": [{"kind": "main", "name": "广东省市场监督管理局"}],
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let aid = r.body["id"].as_i64().unwrap();
        let vid = r.body["venues"][0]["id"].as_i64().unwrap();
        for login in ["gd.viewer", "gd.staff", "sh.staff"] {
            let (c, token) = form_login(&app, login).await;
            let t = token.as_str();
            let (s, _, page) = get(&c, &app, &format!("/activities/{aid}")).await;
            assert_eq!(s, 200, "{l} {login}");
            assert!(
                !page.contains(&format!("/activities/{aid}/venues\"")),
                "{l} {login}: no link to a page it may not open"
            );
            for path in [
                format!("/activities/{aid}/venues"),
                format!("/activities/{aid}/venues/{vid}"),
            ] {
                let (s, _, _) = get(&c, &app, &path).await;
                assert_eq!(s, 403, "{l} {login}: GET {path}");
            }
            for (path, form) in [
                (
                    format!("/activities/{aid}/venues/branches"),
                    vec![("_csrf", t)],
                ),
                (
                    format!("/activities/{aid}/venues"),
                    vec![("_csrf", t), ("kind", "main"), ("name", "另一会场")],
                ),
                (
                    format!("/activities/{aid}/venues/{vid}/remove"),
                    vec![("_csrf", t)],
                ),
                (
                    format!("/activities/{aid}/venues/{vid}/participants"),
                    vec![
                        ("_csrf", t),
                        ("participant_category", "leaders"),
                        ("participant_label", "领导"),
                        ("participant_org", ""),
                    ],
                ),
                (
                    format!("/activities/{aid}/debug-slots"),
                    vec![
                        ("_csrf", t),
                        ("label", "调试"),
                        ("starts_at", "2022-06-07 14:30"),
                    ],
                ),
            ] {
                let (s, _, _) = post(&c, &app, &path, &form).await;
                assert_eq!(s, 403, "{l} {login}: POST {path}");
            }
        }
        let a = activity(&app, aid).await;
        assert_eq!(venues(&a).len(), 1, "{l}: nothing changed");
        assert_eq!(a["venues"][0]["participants"], json!([]), "{l}");
        assert_eq!(a["debug_slots"], json!([]), "{l}");
        app.finish().await;
    }
}
