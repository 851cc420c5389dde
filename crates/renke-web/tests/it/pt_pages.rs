//! Proficiency-testing pages as a browser meets them: the provider's forms and round page,
//! a lab's round page that names no other lab (neither its name nor its sample code), the
//! results form with its confirmation, the evaluation page, and refused fields shown next
//! to their inputs.

use crate::pages::{form_login, get, post};
use crate::support::{TestApp, t0};
use renke_app::Caller;
use renke_domain::org::{CmaLevel, OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::orgs::NewOrg;

/// The labs of the fixture: code, parent, name, login of its staff account.
pub(crate) const LABS: [(&str, &str, &str, &str); 5] = [
    ("GD-LAB-A", "GD-SZ", "深圳甲检测有限公司", "laba.staff"),
    ("GD-LAB-B", "GD-SZ", "深圳乙检测有限公司", "labb.staff"),
    ("GD-LAB-C", "GD-GZ", "广州丙检测有限公司", "labc.staff"),
    ("GD-LAB-D", "GD-GZ", "广州丁检测有限公司", "labd.staff"),
    ("GD-LAB-E", "GD-GZ", "广州戊检测有限公司", "labe.staff"),
];

/// Insulation resistance (MΩ) as the five labs measured it.
const VALUES: [&str; 5] = ["52.3", "50.8", "51.6", "49.9", "53.0"];

/// The standard tree, five Guangdong labs with a provincial CMA and a staff account each,
/// and the provider's organiser `gd.org`.
pub(crate) async fn fixture(app: &TestApp) {
    app.tree().await;
    let orgs: Vec<NewOrg> = LABS
        .iter()
        .map(|(code, parent, name, _)| {
            let mut o = NewOrg::new(
                OrgCode::parse("code", code).unwrap(),
                Some(OrgCode::parse("parent", parent).unwrap()),
                *name,
                OrgKind::Lab,
            );
            o.cma_level = Some(CmaLevel::Provincial);
            o
        })
        .collect();
    renke_store::orgs::create_many(app.db(), &orgs, t0())
        .await
        .unwrap();
    app.account("gd.org", Role::Organiser, "GD").await;
    for (code, _, _, login) in LABS {
        app.account(login, Role::Staff, code).await;
    }
}

pub(crate) async fn caller(app: &TestApp, login: &str) -> Caller {
    renke_store::accounts::get_by_login(app.db(), login)
        .await
        .unwrap()
        .into()
}

/// The id after `prefix` in a redirect (`/pt/rounds/12?done=…` → 12).
fn id_after(location: &str, prefix: &str) -> i64 {
    let rest = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} after {prefix}"));
    rest.split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// A round open for enrolment made through the provider's pages: the scheme
/// 电气产品绝缘电阻测试 with 绝缘电阻 (MΩ, one decimal), round GDPT-2022-01, the qualifying
/// labs invited. Returns the round and the measurand.
pub(crate) async fn open_round(app: &TestApp) -> (i64, i64) {
    let (c, token) = form_login(app, "gd.org").await;
    let (status, location, html) = post(
        &c,
        app,
        "/pt/schemes/new",
        &[
            ("_csrf", &token),
            ("name", "电气产品绝缘电阻测试"),
            ("field", "家用电器"),
            ("measurands[0].name", "绝缘电阻"),
            ("measurands[0].unit", "MΩ"),
            ("measurands[0].decimals", "1"),
            ("measurands[0].kind", "quantitative"),
            ("measurands[1].name", ""),
            ("measurands[1].unit", ""),
            ("measurands[1].kind", "quantitative"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{}: {html}", app.label());
    let scheme = id_after(&location, "/pt/rounds/new?scheme_id=");
    let (status, _, html) = get(&c, app, &location).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("能力验证计划已创建") && html.contains("电气产品绝缘电阻测试"),
        "{html}"
    );
    let scheme_s = scheme.to_string();
    let (status, location, html) = post(
        &c,
        app,
        "/pt/rounds/new",
        &[
            ("_csrf", &token),
            ("scheme_id", &scheme_s),
            ("code", "gdpt-2022-01"),
            ("title", "2022年电气产品绝缘电阻测试能力验证"),
            ("scope_code", ""),
            ("enrol_until", "2022-05-20T17:00"),
            ("dispatch_on", "2022-05-23"),
            ("results_until", "2022-06-10T17:00"),
            ("provincial_cma", "1"),
            ("instructions", "样品到达后 3 日内完成检测。"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    let round = id_after(&location, "/pt/rounds/");
    let (status, location, _) = post(
        &c,
        app,
        &format!("/pt/rounds/{round}/invite-qualifying"),
        &[("_csrf", &token)],
    )
    .await;
    assert_eq!(status, 303);
    let (_, _, html) = get(&c, app, &location).await;
    assert!(html.contains("已邀请 5 家符合条件的机构"), "{html}");

    let measurands = renke_app::pt::round_view(&app.state, &caller(app, "gd.org").await, round)
        .await
        .unwrap()
        .measurands;
    (round, measurands[0].id)
}

/// A round in testing made through the provider's pages ([`open_round`]), every lab
/// applied (by use case) and approved (on the page), testing started. Returns the round,
/// the measurand and each lab's enrolment.
pub(crate) async fn round_in_testing(app: &TestApp) -> (i64, i64, Vec<i64>) {
    let (round, m) = open_round(app).await;
    let (c, token) = form_login(app, "gd.org").await;
    let mut enrolments = Vec::new();
    for (_, _, _, login) in LABS {
        let me = caller(app, login).await;
        let f = renke_app::pt::ApplyForm {
            measurand_ids: vec![m],
        };
        enrolments.push(
            renke_app::pt::apply(&app.state, &me, round, &f)
                .await
                .unwrap(),
        );
    }
    for e in &enrolments {
        let (status, _, html) = post(
            &c,
            app,
            &format!("/pt/rounds/{round}/enrolments/{e}/decide"),
            &[("_csrf", &token), ("decision", "approve")],
        )
        .await;
        assert_eq!(status, 303, "{html}");
    }
    let (status, _, html) = post(
        &c,
        app,
        &format!("/pt/rounds/{round}/start"),
        &[("_csrf", &token)],
    )
    .await;
    assert_eq!(status, 303, "{html}");
    (round, m, enrolments)
}

/// The sample codes of the round's enrolments, in the order of `enrolments`.
pub(crate) async fn codes(app: &TestApp, round: i64, enrolments: &[i64]) -> Vec<String> {
    let v = renke_app::pt::round_view(&app.state, &caller(app, "gd.org").await, round)
        .await
        .unwrap();
    enrolments
        .iter()
        .map(|e| {
            v.enrolments
                .iter()
                .find(|r| r.enrolment.id == *e)
                .and_then(|r| r.enrolment.sample_code.clone())
                .expect("approved with a code")
        })
        .collect()
}

/// How many enrolments a round page's participant list shows per page.
const LIST_PAGE: usize = 50;

#[tokio::test]
async fn the_participant_list_is_paged_and_filtered_and_a_decision_keeps_the_place() {
    for app in TestApp::spawn_all().await {
        fixture(&app).await;
        let (round, m) = open_round(&app).await;
        // Enough more qualifying labs to need a second page, each applying.
        let extra = LIST_PAGE + 3;
        let orgs: Vec<NewOrg> = (0..extra)
            .map(|i| {
                let mut o = NewOrg::new(
                    OrgCode::parse("code", &format!("GD-LAB-X{i:02}")).unwrap(),
                    Some(OrgCode::parse("parent", "GD-SZ").unwrap()),
                    format!("深圳附加{i:02}号检测有限公司"),
                    OrgKind::Lab,
                );
                o.cma_level = Some(CmaLevel::Provincial);
                o
            })
            .collect();
        renke_store::orgs::create_many(app.db(), &orgs, t0())
            .await
            .unwrap();
        let f = renke_app::pt::ApplyForm {
            measurand_ids: vec![m],
        };
        let mut applied = Vec::new();
        for i in 0..extra {
            let login = format!("labx{i:02}.staff");
            app.account(&login, Role::Staff, &format!("GD-LAB-X{i:02}"))
                .await;
            let me = caller(&app, &login).await;
            applied.push(
                renke_app::pt::apply(&app.state, &me, round, &f)
                    .await
                    .unwrap(),
            );
        }
        let (c, token) = form_login(&app, "gd.org").await;
        let path = format!("/pt/rounds/{round}");
        let rows = |html: &str| html.matches("<li id=\"enrolment-").count();

        // Page one of everyone past the invitation, and a pager to the rest; the five
        // labs only invited stay in the invited list, not on the pages.
        let (status, _, html) = get(&c, &app, &path).await;
        assert_eq!(status, 200, "{}", app.label());
        assert_eq!(
            rows(&html),
            LIST_PAGE + 5,
            "a page of applied and the 5 invited"
        );
        assert!(html.contains("第 1 页，共 2 页"), "{html}");
        assert!(
            html.contains(&format!("{path}?offset={LIST_PAGE}")),
            "{html}"
        );
        let (_, _, html) = get(&c, &app, &format!("{path}?offset={LIST_PAGE}")).await;
        assert_eq!(rows(&html), extra - LIST_PAGE + 5);

        // Approving from page two of 待审核 comes back to the same filter and page.
        let last = *applied.last().unwrap();
        let offset = LIST_PAGE.to_string();
        let (status, location, html) = post(
            &c,
            &app,
            &format!("/pt/rounds/{round}/enrolments/{last}/decide"),
            &[
                ("_csrf", &token),
                ("decision", "approve"),
                ("enrolled", "applied"),
                ("offset", &offset),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        assert_eq!(
            location,
            format!("{path}?done=approved&enrolled=applied&offset={LIST_PAGE}#enrolment-{last}")
        );
        // A filter not offered is ignored rather than echoed.
        let (_, location, _) = post(
            &c,
            &app,
            &format!("/pt/rounds/{round}/enrolments/{}/decide", applied[0]),
            &[
                ("_csrf", &token),
                ("decision", "decline"),
                ("enrolled", "<script>"),
                ("offset", "-4"),
            ],
        )
        .await;
        assert_eq!(
            location,
            format!("{path}?done=declined#enrolment-{}", applied[0])
        );

        // Each filter lists only its enrolments, with counts on the tabs.
        let (_, _, html) = get(&c, &app, &format!("{path}?enrolled=approved")).await;
        assert_eq!(rows(&html), 1 + 5, "the approved one and the invited list");
        assert!(html.contains(&format!("id=\"enrolment-{last}\"")));
        assert!(
            html.contains("已确认（1）") && html.contains("未通过（1）"),
            "{html}"
        );
        assert!(html.contains(&format!("待审核（{}）", extra - 2)), "{html}");
        let (_, _, html) = get(&c, &app, &format!("{path}?enrolled=declined")).await;
        assert!(html.contains(&format!("id=\"enrolment-{}\"", applied[0])));
        assert!(!html.contains(&format!("id=\"enrolment-{last}\"")));
        let (_, _, html) = get(&c, &app, &format!("{path}?enrolled=overdue")).await;
        assert!(html.contains("没有符合此筛选的参加机构。"), "{html}");
        // An offset past the end shows the last page rather than nothing.
        let (_, _, html) = get(&c, &app, &format!("{path}?enrolled=approved&offset=900")).await;
        assert!(html.contains(&format!("id=\"enrolment-{last}\"")), "{html}");
    }
}

#[tokio::test]
async fn provider_round_page_and_lab_sees_no_other_labs_code() {
    for app in TestApp::spawn_all().await {
        fixture(&app).await;
        let (round, m, enrolments) = round_in_testing(&app).await;
        let codes = codes(&app, round, &enrolments).await;
        let path = format!("/pt/rounds/{round}");

        // The provider's page: every lab with its code, the schedule and the rule, the
        // measurand, the dispatch forms, the evaluation link and the release button.
        let (c, token) = form_login(&app, "gd.org").await;
        let (status, _, html) = get(&c, &app, &path).await;
        assert_eq!(status, 200, "{}", app.label());
        for (i, (_, _, name, _)) in LABS.iter().enumerate() {
            assert!(html.contains(name), "{name} on the provider's page");
            assert!(
                html.contains(&codes[i]),
                "{} on the provider's page",
                codes[i]
            );
        }
        for text in [
            "GDPT-2022-01",
            "2022年电气产品绝缘电阻测试能力验证",
            "检测与结果提交",
            "2022-05-20 17:00",
            "2022-05-23",
            "2022-06-10 17:00",
            "广东省市场监督管理局辖区内取得省级资质认定（CMA）的检验检测机构",
            "绝缘电阻",
            "MΩ",
            "样品到达后 3 日内完成检测。",
            "报名与邀请 5 家，确认参加 5 家，已提交结果 0 家。",
            "登记样品寄出",
            "统计评价",
            "发布结果",
            "data-confirm=",
        ] {
            assert!(html.contains(text), "{text} on the provider's page");
        }
        // A dispatch, then the receipt monitor lists it as overdue three days later.
        let first = enrolments[0];
        let (status, _, html) = post(
            &c,
            &app,
            &format!("/pt/rounds/{round}/enrolments/{first}/dispatch"),
            &[
                ("_csrf", &token),
                ("courier", "顺丰速运"),
                ("tracking", "SF1234567890"),
                ("sent_on", "2022-05-01"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        app.clock.advance(chrono::Duration::days(3));
        // Sessions end meanwhile: log in again.
        let (c, token) = form_login(&app, "gd.org").await;
        let (_, _, html) = get(&c, &app, &path).await;
        assert!(
            html.contains("收样监控") && html.contains("已寄出 1 家，已确认收样 0 家"),
            "{html}"
        );
        assert!(html.contains("逾期未确认收样"), "the overdue receipt");

        // Each lab sees its own code and nothing of the others, before and after release.
        let lab_a = LABS[0].3;
        let (la, la_token) = form_login(&app, lab_a).await;
        let (status, _, html) = get(&la, &app, &path).await;
        assert_eq!(status, 200);
        assert!(html.contains(&codes[0]), "its own code");
        assert!(html.contains("确认收样") && html.contains("SF1234567890"));
        for (i, (_, _, name, _)) in LABS.iter().enumerate().skip(1) {
            assert!(
                !html.contains(&codes[i]),
                "another lab's code on lab A's page"
            );
            assert!(!html.contains(name), "another lab's name on lab A's page");
        }
        // Lab A confirms receipt and enters its result; the others by use case.
        let dispatch_id = {
            let v = renke_app::pt::round_view(&app.state, &caller(&app, lab_a).await, round)
                .await
                .unwrap();
            v.mine.unwrap().dispatches[0].id
        };
        let (status, _, html) = post(
            &la,
            &app,
            &format!("/pt/rounds/{round}/dispatches/{dispatch_id}/receipt"),
            &[("_csrf", &la_token), ("condition", "intact"), ("note", "")],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        let results = format!("/pt/enrolments/{first}/results");
        let m_s = m.to_string();
        let (status, location, html) = post(
            &la,
            &app,
            &results,
            &[
                ("_csrf", &la_token),
                ("results[0].measurand_id", &m_s),
                ("results[0].value", VALUES[0]),
                ("results[0].replicates", ""),
                ("results[0].u", "1.2"),
                ("results[0].k", "2"),
                ("results[0].method", "GB/T 12190"),
                ("results[0].not_tested", ""),
                ("action", "review"),
            ],
        )
        .await;
        assert_eq!(
            (status, location.as_str()),
            (303, format!("{results}/confirm").as_str()),
            "{html}"
        );
        let (status, _, html) = get(&la, &app, &location).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("确认提交结果") && html.contains("52.3") && !html.contains("逾期"),
            "{html}"
        );
        let (status, location, _) = post(
            &la,
            &app,
            &format!("{results}/submit"),
            &[("_csrf", &la_token)],
        )
        .await;
        assert_eq!(status, 303);
        let (_, _, html) = get(&la, &app, &location).await;
        assert!(html.contains("已提交 1 项结果"), "{html}");
        for (i, e) in enrolments.iter().enumerate().skip(1) {
            let me = caller(&app, LABS[i].3).await;
            let f = renke_app::pt::ResultsForm {
                results: vec![renke_app::pt::ResultInput {
                    measurand_id: m,
                    value: VALUES[i].into(),
                    ..Default::default()
                }],
                behalf_note: String::new(),
            };
            renke_app::pt::save_results(&app.state, &me, *e, &f)
                .await
                .unwrap();
            renke_app::pt::submit_results(&app.state, &me, *e)
                .await
                .unwrap();
        }

        // The provider evaluates on the page (Algorithm A, robust SD) and releases.
        let eval = format!("/pt/rounds/{round}/evaluation");
        let (status, location, html) = post(
            &c,
            &app,
            &eval,
            &[
                ("_csrf", &token),
                ("measurand_id", &m_s),
                ("assigned", "algorithm_a"),
                ("sigma", "robust"),
                ("quartile_rule", "n_plus_1"),
                ("stop", "converge"),
                ("factor", "printed"),
                // The sealed target's range: 49.9 MΩ (lab D) falls short and opens a
                // follow-up at release.
                ("acceptance_low", "50"),
                ("acceptance_high", ""),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        let (status, _, html) = get(&c, &app, &location).await;
        assert_eq!(status, 200);
        for text in [
            "第 1 版评价",
            "x<sub>pt</sub>",
            "0.3σ<sub>pt</sub>",
            "计算过程",
            "ISO 13528:2022",
            "迭代过程",
            "algorithm_a",
        ] {
            assert!(html.contains(text), "{text} on the evaluation page");
        }
        for code in &codes {
            assert!(
                html.contains(code.as_str()),
                "{code} on the evaluation page"
            );
        }
        // The same pages in English.
        let (status, _, _) = get(&c, &app, &format!("/lang/en?back={eval}")).await;
        assert_eq!(status, 303);
        let (_, _, en) = get(&c, &app, &eval).await;
        for text in [
            "Evaluation version 1",
            "How this was computed",
            "Robust mean (Algorithm A)",
            "Release the results",
        ] {
            assert!(en.contains(text), "{text} in English");
        }
        let (_, _, en) = get(&c, &app, &path).await;
        assert!(en.contains("Enrolment closes") && en.contains("Participants"));
        let (status, _, _) = get(&c, &app, &format!("/lang/zh-CN?back={eval}")).await;
        assert_eq!(status, 303);
        let (status, location, html) =
            post(&c, &app, &format!("{eval}/release"), &[("_csrf", &token)]).await;
        assert_eq!(status, 303, "{html}");
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(html.contains("结果已发布"), "{html}");

        // Lab A after release: its score and letter, still no other code or name.
        let (_, _, html) = get(&la, &app, &path).await;
        assert!(html.contains("评价结果") && html.contains(&format!("id=\"score-{m}\"")));
        assert!(html.contains(&format!("/pt/enrolments/{first}/letter.pdf")));
        for (i, (_, _, name, _)) in LABS.iter().enumerate().skip(1) {
            assert!(
                !html.contains(&codes[i]),
                "another lab's code after release"
            );
            assert!(!html.contains(name), "another lab's name after release");
        }
        let (_, _, list) = get(&la, &app, "/pt").await;
        for code in codes.iter().skip(1) {
            assert!(!list.contains(code.as_str()));
        }
        // Another lab's results, evaluation and letter are not found for lab A.
        for other in [
            format!("/pt/enrolments/{}/results", enrolments[1]),
            format!("/pt/enrolments/{}/letter.pdf", enrolments[1]),
            eval.clone(),
        ] {
            let (status, _, _) = get(&la, &app, &other).await;
            assert_eq!(status, 404, "{other}");
        }
        // The follow-up of lab D's result: the provider's list, the lab's answer (a missing
        // field named next to it), the provider's review (a return needs its note).
        let (_, _, list) = get(&c, &app, &format!("/pt/followups?round={round}")).await;
        assert!(
            list.contains(LABS[3].2) && list.contains("不满意") && list.contains("待整改"),
            "{list}"
        );
        let lab_d = caller(&app, LABS[3].3).await;
        let items = renke_app::pt::followups(&app.state, &lab_d, None)
            .await
            .unwrap();
        assert_eq!(items.len(), 1, "one follow-up for lab D");
        let fu = format!("/pt/followups/{}", items[0].followup.id);
        let (ld, ld_token) = form_login(&app, LABS[3].3).await;
        let (_, _, mine) = get(&ld, &app, "/pt/followups").await;
        assert!(mine.contains(&fu) && !mine.contains(LABS[0].2), "{mine}");
        let (status, _, html) = post(
            &ld,
            &app,
            &format!("{fu}/answer"),
            &[
                ("_csrf", &ld_token),
                ("root_cause", "兆欧表量程选择不当。"),
                ("action", ""),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            html.contains(r#"id="action-err" role="alert">此项为必填项。"#)
                && html.contains("兆欧表量程选择不当。"),
            "{html}"
        );
        let (status, _, _) = post(
            &ld,
            &app,
            &format!("{fu}/answer"),
            &[
                ("_csrf", &ld_token),
                ("root_cause", "兆欧表量程选择不当。"),
                ("action", "重新校准并复测，修订作业指导书。"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (status, _, html) = post(
            &c,
            &app,
            &format!("{fu}/review"),
            &[("_csrf", &token), ("decision", "return"), ("note", "")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            html.contains(r#"id="note-err" role="alert">此项为必填项。"#),
            "{html}"
        );
        let (status, location, _) = post(
            &c,
            &app,
            &format!("{fu}/review"),
            &[("_csrf", &token), ("decision", "close"), ("note", "")],
        )
        .await;
        assert_eq!(status, 303);
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(
            html.contains("已关闭") && html.contains("重新校准并复测"),
            "{html}"
        );

        let r = la
            .get(app.url(&format!("/pt/enrolments/{first}/letter.pdf")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            r.headers().get("content-type").unwrap().to_str().unwrap(),
            "application/pdf"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn refused_fields_are_shown_next_to_their_inputs() {
    for app in TestApp::spawn_all().await {
        fixture(&app).await;
        let (c, token) = form_login(&app, "gd.org").await;

        // The scheme form: a quantitative measurand without its unit, a qualitative one
        // with one category; the rows come back as typed, each message beside its input.
        let (status, _, html) = post(
            &c,
            &app,
            "/pt/schemes/new",
            &[
                ("_csrf", &token),
                ("name", "电气产品绝缘电阻测试"),
                ("field", "家用电器"),
                ("measurands[0].name", "绝缘电阻"),
                ("measurands[0].unit", ""),
                ("measurands[0].kind", "quantitative"),
                ("measurands[1].name", "标志"),
                ("measurands[1].kind", "qualitative"),
                ("measurands[1].categories", "合格"),
            ],
        )
        .await;
        assert_eq!(status, 422, "{}", app.label());
        assert!(
            html.contains(r#"name="measurands[0].unit" value="" maxlength="20""#)
                && html.contains(
                    r#"<p class="field-error" id="m0_unit-err" role="alert">此项为必填项。</p>"#
                ),
            "{html}"
        );
        assert!(
            html.contains(
                r#"id="m1_categories-err" role="alert">定性项目至少要有两个不同的结果类别"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"value="绝缘电阻""#),
            "what was typed is kept"
        );
        // 再加 3 组 shows more rows and saves nothing.
        let (status, _, html) = post(
            &c,
            &app,
            "/pt/schemes/new",
            &[
                ("_csrf", &token),
                ("name", "x"),
                ("measurands[0].name", "绝缘电阻"),
                ("more", "1"),
            ],
        )
        .await;
        assert_eq!(status, 200);
        assert!(html.contains(r#"id="m4_name""#) && html.contains(r#"value="绝缘电阻""#));

        // The round form: a code that is not one, dates out of order.
        let me = caller(&app, "gd.org").await;
        let scheme = renke_app::pt::create_scheme(
            &app.state,
            &me,
            &renke_app::pt::SchemeForm {
                name: "电气产品绝缘电阻测试".into(),
                field: "家用电器".into(),
                measurands: vec![renke_app::pt::MeasurandInput {
                    name: "绝缘电阻".into(),
                    unit: "MΩ".into(),
                    decimals: "1".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .to_string();
        let (status, _, html) = post(
            &c,
            &app,
            "/pt/rounds/new",
            &[
                ("_csrf", &token),
                ("scheme_id", &scheme),
                ("code", "广东-01"),
                ("title", "绝缘电阻能力验证"),
                ("enrol_until", "2022-05-20T17:00"),
                ("dispatch_on", "2022-05-19"),
                ("results_until", "2022-06-10T17:00"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        let code_input = html.find(r#"id="code""#).expect("the code input");
        let code_err = html.find(r#"id="code-err""#).expect("the code's message");
        let title_input = html.find(r#"id="title""#).unwrap();
        assert!(
            code_input < code_err && code_err < title_input,
            "the code's message sits right after its input"
        );
        assert!(
            html[code_err..].starts_with(r#"id="code-err" role="alert">轮次编号只能由大写字母"#)
        );
        assert!(html.contains(r#"id="dispatch_on-err" role="alert">日期先后顺序不对"#));
        assert!(html.contains(r#"value="广东-01""#));
        assert!(
            !html.contains(r#"name="provincial_cma" value="1" checked"#),
            "the unticked box stays unticked"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn results_form_names_the_bad_value_and_the_provider_gives_a_note() {
    for app in TestApp::spawn_all().await {
        fixture(&app).await;
        let (round, m, enrolments) = round_in_testing(&app).await;
        let first = enrolments[0];
        let results = format!("/pt/enrolments/{first}/results");
        let m_s = m.to_string();
        let (la, la_token) = form_login(&app, LABS[0].3).await;
        let (status, _, html) = get(&la, &app, &results).await;
        assert_eq!(status, 200);
        assert!(html.contains("绝缘电阻") && html.contains("报告 1 位小数"));
        let (status, _, html) = post(
            &la,
            &app,
            &results,
            &[
                ("_csrf", &la_token),
                ("results[0].measurand_id", &m_s),
                ("results[0].value", "五十"),
                ("results[0].u", "-1"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, 422, "{}", app.label());
        assert!(
            html.contains(r#"id="r0_value-err" role="alert">不是有效的数字：五十</p>"#),
            "{html}"
        );
        assert!(html.contains(r#"id="r0_u-err" role="alert">须为正数。</p>"#));
        assert!(html.contains(r#"value="五十""#), "typed value kept");

        // The provider entering for a lab must say why.
        let (c, token) = form_login(&app, "gd.org").await;
        let second = format!("/pt/enrolments/{}/results", enrolments[1]);
        let (status, _, html) = get(&c, &app, &second).await;
        assert_eq!(status, 200);
        assert!(html.contains("代录说明"), "{html}");
        let (status, _, html) = post(
            &c,
            &app,
            &second,
            &[
                ("_csrf", &token),
                ("results[0].measurand_id", &m_s),
                ("results[0].value", "50.8"),
                ("behalf_note", ""),
                ("action", "review"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            html.contains(r#"id="behalf_note-err" role="alert">此项为必填项。"#),
            "{html}"
        );
        // After the deadline the confirmation says the results will be flagged late.
        let (status, location, _) = post(
            &c,
            &app,
            &second,
            &[
                ("_csrf", &token),
                ("results[0].measurand_id", &m_s),
                ("results[0].value", "50.8"),
                ("behalf_note", "实验室邮件报送，由提供者代录"),
                ("action", "review"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        app.clock.advance(chrono::Duration::days(60));
        let (c, token) = form_login(&app, "gd.org").await;
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(
            html.contains("late-warning") && html.contains("确认提交（逾期）"),
            "{html}"
        );
        let (status, location, _) =
            post(&c, &app, &format!("{second}/submit"), &[("_csrf", &token)]).await;
        assert_eq!(status, 303);
        assert!(location.starts_with(&format!("/pt/rounds/{round}?done=submitted&n=1&late=true")));
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(html.contains("逾期提交，已标注"), "{html}");
        app.finish().await;
    }
}

/// A study's figure as the evaluation page prints it: three significant digits.
fn sig3(x: f64) -> String {
    let d = (2.0 - x.abs().log10().floor()).clamp(0.0, 12.0) as usize;
    format!("{x:.d$}")
}

/// Posts `csv` as a results spreadsheet from a page's import form (multipart, `_csrf`
/// first); the status, the redirect and the page.
async fn import_csv(
    c: &reqwest::Client,
    app: &TestApp,
    path: &str,
    token: &str,
    csv: &str,
    note: Option<&str>,
) -> (u16, String, String) {
    let mut form = reqwest::multipart::Form::new().text("_csrf", token.to_owned());
    if let Some(n) = note {
        form = form.text("note", n.to_owned());
    }
    let form = form.part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
            .file_name("结果.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let r = c.post(app.url(path)).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

#[tokio::test]
async fn study_form_records_a_homogeneity_study_and_shows_u() {
    for app in TestApp::spawn_all().await {
        fixture(&app).await;
        let (round, m, _) = round_in_testing(&app).await;
        let (c, token) = form_login(&app, "gd.org").await;
        let eval = format!("/pt/rounds/{round}/evaluation");
        let (status, _, html) = get(&c, &app, &eval).await;
        assert_eq!(status, 200, "{}", app.label());
        assert!(
            html.contains("均匀性和稳定性检验")
                && html.contains("尚未记录均匀性或稳定性检验")
                && html.contains("placeholder=\"1 0.0437 0.0428")
                && html.contains(&format!("action=\"/pt/rounds/{round}/studies\"")),
            "{html}"
        );
        let m_s = m.to_string();
        let studies = format!("/pt/rounds/{round}/studies");
        // A bad number names its line; one item is too few. Nothing is stored.
        let (status, _, html) = post(
            &c,
            &app,
            &studies,
            &[
                ("_csrf", &token),
                ("measurand_id", &m_s),
                ("kind", "homogeneity"),
                ("data", "1 51.2 51.6\n2 abc 51.0"),
                ("second", ""),
                ("sigma_pt", "1.5"),
            ],
        )
        .await;
        assert_eq!(status, 422, "{html}");
        assert!(
            html.contains("第 2 行：不是有效的数字：abc") && html.contains("2 abc 51.0</textarea>"),
            "{html}"
        );
        let (status, _, html) = post(
            &c,
            &app,
            &studies,
            &[
                ("_csrf", &token),
                ("measurand_id", &m_s),
                ("kind", "homogeneity"),
                ("data", "1 51.2 51.6"),
                ("sigma_pt", "1.5"),
            ],
        )
        .await;
        assert_eq!(status, 422);
        assert!(html.contains("均匀性检验至少需要 2 个样品"), "{html}");
        // Ten items in duplicate (样品号 first, as pasted from a spreadsheet).
        let data = "1 51.2 51.6\n2 51.4 51.1\n3 50.9 51.3\n4 51.5 51.2\n5 51.0 51.4\n\
                    6 51.3 51.3\n7 51.1 50.8\n8 51.6 51.5\n9 50.8 51.0\n10 51.2 51.1";
        let (status, location, html) = post(
            &c,
            &app,
            &studies,
            &[
                ("_csrf", &token),
                ("measurand_id", &m_s),
                ("kind", "homogeneity"),
                ("data", data),
                ("second", ""),
                ("sigma_pt", "1.5"),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        assert_eq!(location, format!("{eval}?done=study_recorded#studies-{m}"));
        let list = renke_app::pt::studies(&app.state, &caller(&app, "gd.org").await, round)
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
        let (id, u) = (list[0].study.id, list[0].outcome.u);
        assert!(list[0].outcome.passed);
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(html.contains("已记录检验"), "the flash");
        assert!(
            html.contains(&format!("id=\"study-u-{id}\">{}</td>", sig3(u))),
            "u on the list: {html}"
        );
        assert!(
            html.contains("s<sub>s</sub> = ")
                && html.contains("0.3σ<sub>pt</sub> = 0.450")
                && html.contains("<span class=\"chip green\">通过</span>"),
            "{html}"
        );
        assert!(
            html.contains(&format!("当前 u_hom = {}，u_stab = 0", sig3(u))),
            "the latest study enters u(x_pt): {html}"
        );
        // A lab records nothing.
        let (la, la_token) = form_login(&app, LABS[0].3).await;
        let (status, _, _) = post(
            &la,
            &app,
            &studies,
            &[
                ("_csrf", &la_token),
                ("measurand_id", &m_s),
                ("kind", "homogeneity"),
                ("data", data),
            ],
        )
        .await;
        assert_eq!(status, 404);
        app.finish().await;
    }
}

#[tokio::test]
async fn results_template_downloads_and_a_bad_row_stores_nothing() {
    for app in TestApp::spawn_all().await {
        fixture(&app).await;
        let (round, _, enrolments) = round_in_testing(&app).await;
        let codes = codes(&app, round, &enrolments).await;
        let first = enrolments[0];
        let results = format!("/pt/enrolments/{first}/results");
        let (la, la_token) = form_login(&app, LABS[0].3).await;
        let (status, _, html) = get(&la, &app, &results).await;
        assert_eq!(status, 200, "{}", app.label());
        let template = format!("/pt/rounds/{round}/results.xlsx");
        assert!(
            html.contains("下载结果模板")
                && html.contains(&format!("href=\"{template}\""))
                && html.contains("enctype=\"multipart/form-data\""),
            "{html}"
        );
        let r = la.get(app.url(&template)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            r.headers().get("content-type").unwrap().to_str().unwrap(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(
            r.bytes().await.unwrap().starts_with(b"PK"),
            "an xlsx is a zip"
        );

        // A bad row: its message by row and column, and nothing stored.
        let import = format!("{results}/import");
        let bad = format!(
            "样品编号,检测项目,单位,结果\n{},绝缘电阻,MΩ,五十\n",
            codes[0]
        );
        let (status, _, html) = import_csv(&la, &app, &import, &la_token, &bad, None).await;
        assert_eq!(status, 422, "{html}");
        assert!(
            html.contains("结果表有误，未保存任何结果")
                && html.contains("第 2 行 · 结果：不是有效的数字：五十"),
            "{html}"
        );
        let me = caller(&app, LABS[0].3).await;
        let (_, stored) = renke_app::pt::results_of(&app.state, &me, first)
            .await
            .unwrap();
        assert!(stored.is_empty(), "nothing stored");
        // Another lab's code is not the lab's to import.
        let other = format!(
            "样品编号,检测项目,单位,结果\n{},绝缘电阻,MΩ,50.8\n",
            codes[1]
        );
        let (status, _, html) = import_csv(&la, &app, &import, &la_token, &other, None).await;
        assert_eq!(status, 422);
        assert!(
            html.contains("第 2 行 · 样品编号：不是本机构的样品编号"),
            "{html}"
        );
        // A good sheet is saved for the lab to review and submit.
        let good = format!(
            "样品编号,检测项目,单位,结果\n{},绝缘电阻,MΩ,52.3\n",
            codes[0]
        );
        let (status, location, html) = import_csv(&la, &app, &import, &la_token, &good, None).await;
        assert_eq!(status, 303, "{html}");
        let (_, _, html) = get(&la, &app, &location).await;
        assert!(
            html.contains("已导入 1 项结果，请核对后提交") && html.contains("value=\"52.3\""),
            "{html}"
        );
        let (_, stored) = renke_app::pt::results_of(&app.state, &me, first)
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert!(stored[0].0.submitted_at.is_none(), "saved, not submitted");

        // The provider imports on the round page, with its note.
        let (c, token) = form_login(&app, "gd.org").await;
        let path = format!("/pt/rounds/{round}");
        let (_, _, html) = get(&c, &app, &path).await;
        assert!(
            html.contains(&format!("action=\"/pt/rounds/{round}/results/import\""))
                && html.contains(&format!("href=\"{template}\"")),
            "{html}"
        );
        let round_import = format!("{path}/results/import");
        let sheet = format!(
            "样品编号,检测项目,单位,结果\n{},绝缘电阻,MΩ,50.8\n",
            codes[1]
        );
        let (status, _, html) = import_csv(&c, &app, &round_import, &token, &sheet, Some("")).await;
        assert_eq!(status, 422);
        assert!(
            html.contains(r#"id="import-note-err" role="alert">此项为必填项。"#),
            "{html}"
        );
        let (status, location, html) = import_csv(
            &c,
            &app,
            &round_import,
            &token,
            &sheet,
            Some("实验室纸质报送，由提供者录入"),
        )
        .await;
        assert_eq!(status, 303, "{html}");
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(html.contains("已导入并代为提交 1 项结果"), "{html}");
        app.finish().await;
    }
}

#[tokio::test]
async fn report_after_evaluation_and_the_history_of_a_lab() {
    for app in TestApp::spawn_all().await {
        fixture(&app).await;
        let (round, m, enrolments) = round_in_testing(&app).await;
        // Labs A–D report; lab E does not.
        for (i, e) in enrolments.iter().enumerate().take(4) {
            let me = caller(&app, LABS[i].3).await;
            let f = renke_app::pt::ResultsForm {
                results: vec![renke_app::pt::ResultInput {
                    measurand_id: m,
                    value: VALUES[i].into(),
                    ..Default::default()
                }],
                behalf_note: String::new(),
            };
            renke_app::pt::save_results(&app.state, &me, *e, &f)
                .await
                .unwrap();
            renke_app::pt::submit_results(&app.state, &me, *e)
                .await
                .unwrap();
        }
        let (c, token) = form_login(&app, "gd.org").await;
        let path = format!("/pt/rounds/{round}");
        let report = format!("{path}/report.pdf");
        let (_, _, html) = get(&c, &app, &path).await;
        assert!(!html.contains(&report), "no report before evaluation");
        // Participation by city for the provider.
        assert!(
            html.contains("各市参加情况") && html.contains("合计"),
            "{html}"
        );
        let m_s = m.to_string();
        let (status, _, html) = post(
            &c,
            &app,
            &format!("{path}/evaluation"),
            &[
                ("_csrf", &token),
                ("measurand_id", &m_s),
                ("assigned", "algorithm_a"),
                ("sigma", "robust"),
                ("acceptance_low", "50"),
                ("acceptance_high", ""),
            ],
        )
        .await;
        assert_eq!(status, 303, "{html}");
        let (_, _, html) = get(&c, &app, &path).await;
        assert!(
            html.contains(&format!("href=\"{report}\""))
                && html.contains("下载结果报告")
                && html.contains(&format!("href=\"{path}/letters.zip\""))
                && html.contains("下载全部结果通知书"),
            "{html}"
        );
        let r = c.get(app.url(&report)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            r.headers().get("content-type").unwrap().to_str().unwrap(),
            "application/pdf"
        );
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
        // A lab sees no report before release.
        let (la, _) = form_login(&app, LABS[0].3).await;
        let (_, _, html) = get(&la, &app, &path).await;
        assert!(!html.contains(&report));

        let (status, _, html) =
            post(&c, &app, &format!("{path}/release"), &[("_csrf", &token)]).await;
        assert_eq!(status, 303, "{html}");

        // The zip holds a letter for each lab scored (A–D), none for lab E.
        let r = c
            .get(app.url(&format!("{path}/letters.zip")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let bytes = r.bytes().await.unwrap().to_vec();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        names.sort();
        let codes = codes(&app, round, &enrolments).await;
        let mut want: Vec<String> = codes[..4]
            .iter()
            .map(|c| format!("GDPT-2022-01-{c}.pdf"))
            .collect();
        want.sort();
        assert_eq!(names, want, "{}", app.label());
        for n in &names {
            let mut f = zip.by_name(n).unwrap();
            let mut head = [0u8; 4];
            std::io::Read::read_exact(&mut f, &mut head).unwrap();
            assert_eq!(&head, b"%PDF", "{n}");
        }

        // Lab A: the report and its history from its released scores.
        let lab_a = caller(&app, LABS[0].3).await;
        let history = format!("/pt/labs/{}/history", lab_a.org_id);
        let (_, _, html) = get(&la, &app, &path).await;
        assert!(
            html.contains(&format!("href=\"{report}\""))
                && html.contains(&format!("href=\"{history}\"")),
            "{html}"
        );
        let h = renke_app::pt::lab_history(&app.state, &lab_a, lab_a.org_id)
            .await
            .unwrap();
        let score = h.series["绝缘电阻"][0].score.unwrap();
        let (status, _, html) = get(&la, &app, &history).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("GDPT-2022-01")
                && html.contains(&format!("<td>{score:.2}</td>"))
                && html.contains("<svg ")
                && html.contains("stroke-dasharray=\"5 3\"")
                && html.contains("id=\"pass-rate\">100%<"),
            "{html}"
        );
        // Lab E reported nothing: no rate, not 0 %.
        let lab_e = caller(&app, LABS[4].3).await;
        let (le, _) = form_login(&app, LABS[4].3).await;
        let (status, _, html) = get(&le, &app, &format!("/pt/labs/{}/history", lab_e.org_id)).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("id=\"pass-rate\">—<") && !html.contains("0%"),
            "{html}"
        );
        assert!(html.contains("尚无已发布的评价结果"));
        // Another lab's history is not found for lab E.
        let (status, _, _) = get(&le, &app, &history).await;
        assert_eq!(status, 404);
        // The bureau's follow-ups link lab names to their history.
        let lab_d = caller(&app, LABS[3].3).await;
        let (_, _, list) = get(&c, &app, &format!("/pt/followups?round={round}")).await;
        assert!(
            list.contains(&format!("href=\"/pt/labs/{}/history\"", lab_d.org_id)),
            "{list}"
        );
        app.finish().await;
    }
}
