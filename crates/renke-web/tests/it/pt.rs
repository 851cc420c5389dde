//! Proficiency testing (能力验证) through `/api/v1/pt`, over the demo directory (Guangdong
//! and its labs, the demo accounts): who may enrol under a round's eligibility rule, blind
//! sample codes, results before and after the deadline and after release, the follow-up
//! of an unsatisfactory result and who sees it, who may run a round, and ISO 13528:2022
//! Annex E.4 (mercury in feed) scored end to end from a script's load of 21 results.

use crate::api_docs::assert_conforms;
use crate::support::{Client, PASSWORD, Resp, TestApp, t0};
use chrono::Duration;
use renke_domain::account::Login;
use renke_domain::demo::{self, DEMO_PASSWORD};
use renke_domain::org::OrgCode;
use renke_domain::perm::Role;
use renke_store::accounts::NewAccount;
use renke_store::orgs::NewOrg;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The alphabet of blind sample codes (no 0/1/I/L/O/U).
const ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Loads the demo directory (every demo organisation and account, the accounts with
/// [`DEMO_PASSWORD`]) and a few more accounts with the fixtures' [`PASSWORD`]: staff at the
/// other Guangdong labs, the national-CMA lab, the Hong Kong lab, a Shanghai lab, a
/// company in Guangzhou, and an organiser of the Guangzhou bureau. Returns the ids by code.
pub(crate) async fn demo_directory(app: &TestApp) -> HashMap<String, i64> {
    let orgs = demo::orgs();
    let mut new: Vec<NewOrg> = orgs
        .iter()
        .map(|o| {
            let mut n = NewOrg::new(
                OrgCode::parse("code", o.code).unwrap(),
                o.parent.map(|p| OrgCode::parse("parent", p).unwrap()),
                o.name,
                o.kind,
            );
            n.short_name = o.short_name.map(str::to_owned);
            n.name_en = o.name_en.map(str::to_owned);
            n.admin_level = o.admin_level;
            n.cma_level = o.cma_level;
            n.region = o.region;
            n
        })
        .collect();
    new.push(NewOrg::new(
        OrgCode::parse("code", "GD-GZ-CO1").unwrap(),
        Some(OrgCode::parse("parent", "GD-GZ").unwrap()),
        "广州穗丰电器有限公司",
        renke_domain::org::OrgKind::Company,
    ));
    let ids = renke_store::orgs::create_many(app.db(), &new, t0())
        .await
        .unwrap();
    let hash = renke_app::auth::cheap_hash_for_tests(DEMO_PASSWORD).unwrap();
    let accounts: Vec<NewAccount> = demo::accounts()
        .iter()
        .map(|a| NewAccount {
            login: Login::parse("login", a.login).unwrap(),
            display_name: a.display_name.to_owned(),
            org_code: a.org_code.to_owned(),
            role: a.role,
            email: None,
            phone: None,
            password_hash: hash.clone(),
        })
        .collect();
    renke_store::accounts::create_many(app.db(), &accounts, t0())
        .await
        .unwrap();
    for (login, role, org) in [
        ("fs.lab", Role::Staff, "GD-FS-LAB1"),
        ("dg.lab", Role::Staff, "GD-DG-LAB1"),
        ("jly.lab", Role::Staff, "GD-SZ-JLY"),
        ("hk.lab", Role::Staff, "GD-HK-LAB1"),
        ("shja.lab", Role::Staff, "SH-JA-LAB1"),
        ("gz.company", Role::Staff, "GD-GZ-CO1"),
        ("gdgz.organiser", Role::Organiser, "GD-GZ"),
    ] {
        app.account(login, role, org).await;
    }
    new.iter()
        .map(|o| o.code.as_str().to_owned())
        .zip(ids)
        .collect()
}

/// A demo account's client.
pub(crate) async fn demo_login(app: &TestApp, login: &str) -> Client {
    app.login(login, DEMO_PASSWORD).await
}

/// A scheme of Guangdong's with the measurands `names` (in mg/kg); its id.
pub(crate) async fn scheme(app: &TestApp, gd: &Client, names: &[&str]) -> i64 {
    let measurands: Vec<Value> = names
        .iter()
        .map(|n| json!({"name": n, "unit": "mg/kg", "decimals": "4"}))
        .collect();
    let r = gd
        .post(
            "/api/v1/pt/schemes",
            json!({"name": "饲料中重金属含量测定能力验证", "field": "饲料", "measurands": measurands}),
        )
        .await;
    assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
    assert_eq!(r.body["provider_name"], "广东省市场监督管理局");
    r.body["id"].as_i64().unwrap()
}

/// A round of `scheme` with code `code` and the three parts of its eligibility rule;
/// enrolment closes 2022-05-20 17:00, samples go out 2022-05-23, results are due
/// 2022-06-10 17:00 (Beijing). The round as the provider sees it.
pub(crate) async fn round(
    app: &TestApp,
    gd: &Client,
    scheme: i64,
    code: &str,
    rule: (bool, bool, bool),
) -> Value {
    let r = gd
        .post(
            "/api/v1/pt/rounds",
            json!({
                "scheme_id": scheme,
                "code": code,
                "title": "2022年饲料中汞含量测定能力验证",
                "enrol_until": "2022-05-20 17:00",
                "dispatch_on": "2022-05-23",
                "results_until": "2022-06-10 17:00",
                "provincial_cma": rule.0,
                "national_cma_by_invitation": rule.1,
                "hk_macau_by_invitation": rule.2,
                "instructions": "样品收到后请于5个工作日内完成检测。",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
    r.body
}

/// The ids of the round's measurands, in order.
pub(crate) fn measurand_ids(view: &Value) -> Vec<i64> {
    view["measurands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

/// The enrolment of the lab with `lab_code` on the provider's view of a round.
pub(crate) fn enrolment<'a>(view: &'a Value, lab_code: &str) -> &'a Value {
    view["enrolments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["lab_code"] == lab_code)
        .unwrap_or_else(|| panic!("no enrolment of {lab_code}: {view}"))
}

pub(crate) async fn get_round(c: &Client, id: i64) -> Resp {
    c.get(&format!("/api/v1/pt/rounds/{id}")).await
}

pub(crate) async fn apply(c: &Client, round: i64, measurands: &[i64]) -> Resp {
    c.post(
        &format!("/api/v1/pt/rounds/{round}/applications"),
        json!({"measurand_ids": measurands}),
    )
    .await
}

pub(crate) async fn invite(gd: &Client, round: i64, body: Value) -> Resp {
    gd.post(&format!("/api/v1/pt/rounds/{round}/invitations"), body)
        .await
}

/// Approves the applications of the labs `codes`, in that order, as the provider.
pub(crate) async fn approve(app: &TestApp, gd: &Client, round: i64, codes: &[&str]) {
    let view = get_round(gd, round).await.body;
    for code in codes {
        let e = enrolment(&view, code)["id"].as_i64().unwrap();
        let r = gd
            .post(
                &format!("/api/v1/pt/enrolments/{e}/decision"),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(r.status, 204, "{}: {code}: {}", app.label(), r.text);
    }
}

/// The sample code of every approved lab of a round, by lab code.
pub(crate) async fn codes(gd: &Client, round: i64) -> BTreeMap<String, String> {
    get_round(gd, round).await.body["enrolments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            Some((
                e["lab_code"].as_str()?.to_owned(),
                e["sample_code"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Evaluates measurand `m` against a reference value with a prescribed σpt.
pub(crate) async fn evaluate(
    gd: &Client,
    round: i64,
    m: i64,
    x: &str,
    u: &str,
    sigma: &str,
) -> Resp {
    gd.post(
        &format!("/api/v1/pt/rounds/{round}/evaluations"),
        json!({"measurand_id": m, "assigned": "reference", "assigned_value": x,
               "assigned_u": u, "sigma": "fixed", "sigma_value": sigma}),
    )
    .await
}

/// Who may enrol: a provincial-CMA lab in Guangdong qualifies and may apply; a
/// national-CMA lab and a Hong Kong lab need an invitation first (they do not even see the
/// round before); a company and a lab outside the scope are not eligible, neither to apply
/// nor to be invited; the rule as stored is shown on the round, and a rule without the
/// invitations refuses them.
#[tokio::test]
async fn enrolment_follows_the_rounds_eligibility_rule() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let gd = demo_login(&app, "gd.organiser").await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let s = scheme(&app, &gd, &["汞 (Hg)"]).await;
        let view = round(&app, &gd, s, "gdpt-2022-01", (true, true, true)).await;
        let id = view["round"]["id"].as_i64().unwrap();
        let m = measurand_ids(&view);
        assert_eq!(view["round"]["code"], "GDPT-2022-01", "{l}");
        assert_eq!(view["round"]["status"], "enrolment", "{l}");
        assert_eq!(view["round"]["scope_name"], "广东省市场监督管理局", "{l}");
        assert_eq!(
            view["round"]["eligibility"],
            json!({"provincial_cma": true, "national_cma_by_invitation": true, "hk_macau_by_invitation": true}),
            "{l}"
        );
        assert_eq!(
            view["rule_zh"],
            "广东省市场监督管理局辖区内取得省级资质认定（CMA）的检验检测机构；\
             经邀请的取得国家级资质认定的检验检测机构；\
             经邀请的具备相应能力的香港、澳门检验检测机构",
            "{l}"
        );
        assert_eq!(
            view["rule_en"],
            "labs with a provincial CMA within 广东省市场监督管理局; labs with a national CMA, \
             by invitation; Hong Kong and Macau labs with the capability, by invitation",
            "{l}"
        );

        // The provincial-CMA lab in Guangzhou qualifies: it sees the round and applies.
        let lab = demo_login(&app, "lab.staff").await;
        let r = get_round(&lab, id).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_conforms(&doc, "get", "/api/v1/pt/rounds/{id}", &r);
        assert_eq!(
            (
                r.body["my_standing"].as_str(),
                r.body["may_apply"].as_bool(),
                r.body["runs"].as_bool()
            ),
            (Some("qualifies"), Some(true), Some(false)),
            "{l}"
        );
        assert!(r.body["mine"].is_null(), "{l}");
        assert_eq!(
            r.body["rule_zh"], view["rule_zh"],
            "{l}: the lab sees the rule"
        );
        let listed = lab.get("/api/v1/pt/rounds").await;
        assert_eq!(listed.status, 200, "{l}");
        let item = listed
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id);
        assert!(
            item.is_some_and(|i| i["my_status"].is_null() && i["runs"] == false),
            "{l}: {}",
            listed.text
        );
        let r = apply(&lab, id, &m).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_conforms(&doc, "post", "/api/v1/pt/rounds/{id}/applications", &r);
        assert_eq!(
            (
                r.body["status"].as_str(),
                r.body["invited"].as_bool(),
                r.body["lab_code"].as_str()
            ),
            (Some("applied"), Some(false), Some("GD-GZ-LAB1")),
            "{l}"
        );
        assert!(
            r.body["sample_code"].is_null(),
            "{l}: no code before approval"
        );
        assert_eq!(r.body["measurand_ids"], json!(m), "{l}");

        // The national-CMA lab (Shenzhen) and the Hong Kong lab: invitation required, and the
        // round is not shown to them until then.
        let jly = app.login("jly.lab", PASSWORD).await;
        let hk = app.login("hk.lab", PASSWORD).await;
        for (c, code) in [(&jly, "GD-SZ-JLY"), (&hk, "GD-HK-LAB1")] {
            let r = apply(c, id, &m).await;
            assert_eq!(
                (r.status, r.code()),
                (409, "invitation_required"),
                "{l} {code}: {}",
                r.text
            );
            assert_eq!(get_round(c, id).await.status, 404, "{l} {code}");
            let r = invite(&gd, id, json!({"lab_code": code})).await;
            assert_eq!(r.status, 200, "{l} {code}: {}", r.text);
            assert_eq!(r.body["invited"], 1, "{l} {code}");
            let r = get_round(c, id).await;
            assert_eq!(r.status, 200, "{l} {code}: {}", r.text);
            assert_eq!(
                (
                    r.body["my_standing"].as_str(),
                    r.body["may_apply"].as_bool(),
                    r.body["mine"]["status"].as_str(),
                    r.body["mine"]["invited"].as_bool()
                ),
                (
                    Some("by_invitation"),
                    Some(true),
                    Some("invited"),
                    Some(true)
                ),
                "{l} {code}"
            );
            let r = apply(c, id, &m).await;
            assert_eq!(r.status, 201, "{l} {code}: {}", r.text);
            assert_eq!(
                (r.body["status"].as_str(), r.body["invited"].as_bool()),
                (Some("applied"), Some(true)),
                "{l} {code}"
            );
        }

        // A company and a provincial-CMA lab in Shanghai (outside the scope): not eligible,
        // neither by applying nor by invitation.
        let company = app.login("gz.company", PASSWORD).await;
        let shja = app.login("shja.lab", PASSWORD).await;
        for (c, code) in [(&company, "GD-GZ-CO1"), (&shja, "SH-JA-LAB1")] {
            let r = apply(c, id, &m).await;
            assert_eq!(
                (r.status, r.code()),
                (409, "not_eligible"),
                "{l} {code}: {}",
                r.text
            );
            assert_eq!(get_round(c, id).await.status, 404, "{l} {code}");
            let r = invite(&gd, id, json!({"lab_code": code})).await;
            assert_eq!(
                (r.status, r.field_code("lab_code").as_deref()),
                (422, Some("not_eligible")),
                "{l} {code}: {}",
                r.text
            );
        }

        // Inviting everyone who qualifies: the two other provincial-CMA labs of Guangdong
        // (Foshan, Dongguan); the one that applied keeps its application. Once more: none.
        let r = invite(&gd, id, json!({"all_qualifying": true})).await;
        assert_eq!((r.status, &r.body), (200, &json!({"invited": 2})), "{l}");
        let r = invite(&gd, id, json!({"all_qualifying": true})).await;
        assert_eq!(r.body, json!({"invited": 0}), "{l}");
        let r = invite(&gd, id, json!({})).await;
        assert_eq!(
            (r.status, r.field_code("lab_code").as_deref()),
            (422, Some("required")),
            "{l}"
        );
        let view = get_round(&gd, id).await.body;
        let states: BTreeMap<&str, &str> = view["enrolments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["lab_code"].as_str().unwrap(),
                    e["status"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            states,
            BTreeMap::from([
                ("GD-DG-LAB1", "invited"),
                ("GD-FS-LAB1", "invited"),
                ("GD-GZ-LAB1", "applied"),
                ("GD-HK-LAB1", "applied"),
                ("GD-SZ-JLY", "applied"),
            ]),
            "{l}"
        );
        let picker = gd
            .get(&format!("/api/v1/pt/rounds/{id}/invitable?q=检测"))
            .await;
        assert_eq!(picker.status, 200, "{l}: {}", picker.text);
        let found: BTreeMap<&str, &str> = picker
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["code"].as_str().unwrap(), p["standing"].as_str().unwrap()))
            .collect();
        assert_eq!(
            found.get("GD-LAB-NYDQ"),
            Some(&"by_invitation"),
            "{l}: {found:?}"
        );
        assert_eq!(found.get("GD-HK-LAB1"), Some(&"by_invitation"), "{l}");
        assert_eq!(
            found.get("GD-GZ-LAB1"),
            None,
            "{l}: qualifies without invitation"
        );

        // A rule that invites no one: the national-CMA and Hong Kong labs are refused.
        let strict = round(&app, &gd, s, "GDPT-2022-02", (true, false, false)).await;
        let sid = strict["round"]["id"].as_i64().unwrap();
        assert_eq!(
            strict["rule_zh"], "广东省市场监督管理局辖区内取得省级资质认定（CMA）的检验检测机构",
            "{l}"
        );
        for code in ["GD-SZ-JLY", "GD-HK-LAB1"] {
            let r = invite(&gd, sid, json!({"lab_code": code})).await;
            assert_eq!(
                r.field_code("lab_code").as_deref(),
                Some("not_eligible"),
                "{l} {code}: {}",
                r.text
            );
        }
        assert_eq!(apply(&jly, sid, &m).await.code(), "not_eligible", "{l}");

        // Enrolment closes at its time: an invited lab can no longer apply.
        app.clock.advance(Duration::days(20)); // 2022-05-21 10:00
        let fs = app.login("fs.lab", PASSWORD).await;
        let r = apply(&fs, id, &m).await;
        assert_eq!((r.status, r.code()), (409, "enrolment_closed"), "{l}");
        assert_eq!(
            get_round(&fs, id).await.body["may_apply"],
            false,
            "{l}: enrolment is over"
        );
        app.finish().await;
    }
}

/// Blind codes: each approved lab gets six characters from the code alphabet, distinct in
/// the round and drawn at random (the same labs approved in the same order in a second
/// round get other codes); a declined lab gets none; a lab's view of the round carries its
/// own code and never another lab's code or name.
#[tokio::test]
async fn approved_labs_get_distinct_random_blind_codes() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let gd = demo_login(&app, "gd.organiser").await;
        let s = scheme(&app, &gd, &["汞 (Hg)"]).await;
        let labs = [
            ("GD-GZ-LAB1", demo_login(&app, "lab.staff").await),
            ("GD-FS-LAB1", app.login("fs.lab", PASSWORD).await),
            ("GD-DG-LAB1", app.login("dg.lab", PASSWORD).await),
            ("GD-SZ-JLY", app.login("jly.lab", PASSWORD).await),
            ("GD-HK-LAB1", app.login("hk.lab", PASSWORD).await),
        ];
        let order: Vec<&str> = labs.iter().map(|(c, _)| *c).collect();
        let mut runs = Vec::new();
        for code in ["GDPT-2022-11", "GDPT-2022-12"] {
            let view = round(&app, &gd, s, code, (true, true, true)).await;
            let id = view["round"]["id"].as_i64().unwrap();
            let m = measurand_ids(&view);
            for lab in ["GD-SZ-JLY", "GD-HK-LAB1"] {
                assert_eq!(
                    invite(&gd, id, json!({"lab_code": lab})).await.status,
                    200,
                    "{l}"
                );
            }
            for (lab, c) in &labs {
                assert_eq!(apply(c, id, &m).await.status, 201, "{l} {lab}");
            }
            approve(&app, &gd, id, &order).await;
            runs.push((id, codes(&gd, id).await));
        }

        for (id, codes) in &runs {
            assert_eq!(
                codes.keys().collect::<Vec<_>>(),
                {
                    let mut o = order.clone();
                    o.sort_unstable();
                    o
                },
                "{l}"
            );
            for c in codes.values() {
                assert!(
                    c.len() == 6 && c.chars().all(|ch| ALPHABET.contains(ch)),
                    "{l}: {c}"
                );
            }
            let distinct: BTreeSet<&String> = codes.values().collect();
            assert_eq!(distinct.len(), 5, "{l}: {codes:?}");
            // Not a sequence: in approval order, the codes read as base-30 numbers are not
            // evenly spaced.
            let numbers: Vec<i64> = order
                .iter()
                .map(|lab| {
                    codes[*lab]
                        .chars()
                        .fold(0i64, |n, ch| n * 30 + ALPHABET.find(ch).unwrap() as i64)
                })
                .collect();
            let steps: BTreeSet<i64> = numbers.windows(2).map(|w| w[1] - w[0]).collect();
            assert!(
                steps.len() > 1,
                "{l}: codes in order of approval: {codes:?}"
            );

            // Each lab's view: its own code, nobody else's code or name.
            for (lab, c) in &labs {
                let r = get_round(c, *id).await;
                assert_eq!(r.status, 200, "{l} {lab}: {}", r.text);
                assert_eq!(r.body["mine"]["sample_code"], codes[*lab].as_str(), "{l}");
                assert_eq!(r.body["enrolments"], json!([]), "{l} {lab}");
                let list = c.get("/api/v1/pt/rounds").await.text;
                for (other, other_code) in codes.iter().filter(|(o, _)| o != lab) {
                    let name = demo::orgs()
                        .into_iter()
                        .find(|o| o.code == other)
                        .unwrap()
                        .name;
                    for text in [&r.text, &list] {
                        assert!(
                            !text.contains(other_code.as_str())
                                && !text.contains(other.as_str())
                                && !text.contains(name),
                            "{l}: {lab} sees {other} ({other_code}): {text}"
                        );
                    }
                }
            }
        }
        // Drawn at random: the same labs in the same order got other codes.
        let (first, second) = (&runs[0].1, &runs[1].1);
        for lab in &order {
            assert_ne!(first[*lab], second[*lab], "{l}: {lab}");
        }
        let a: BTreeSet<&String> = first.values().collect();
        let b: BTreeSet<&String> = second.values().collect();
        assert!(a.is_disjoint(&b), "{l}: {first:?} {second:?}");

        // Declining gives no code; a decided enrolment is not decided again.
        let id = runs[0].0;
        let view = round(&app, &gd, s, "GDPT-2022-13", (true, true, true)).await;
        let third = view["round"]["id"].as_i64().unwrap();
        let fs = &labs[1].1;
        assert_eq!(apply(fs, third, &measurand_ids(&view)).await.status, 201);
        let e = enrolment(&get_round(&gd, third).await.body, "GD-FS-LAB1")["id"]
            .as_i64()
            .unwrap();
        let r = gd
            .post(
                &format!("/api/v1/pt/enrolments/{e}/decision"),
                json!({"approve": false}),
            )
            .await;
        assert_eq!(r.status, 204, "{l}: {}", r.text);
        let mine = &get_round(fs, third).await.body["mine"];
        assert_eq!(
            (mine["status"].as_str(), mine["sample_code"].is_null()),
            (Some("declined"), true),
            "{l}"
        );
        let r = gd
            .post(
                &format!("/api/v1/pt/enrolments/{e}/decision"),
                json!({"approve": true}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "not_applied"), "{l}");
        let approved = enrolment(&get_round(&gd, id).await.body, "GD-FS-LAB1")["id"]
            .as_i64()
            .unwrap();
        let r = gd
            .post(
                &format!("/api/v1/pt/enrolments/{approved}/decision"),
                json!({"approve": false}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (409, "not_applied"),
            "{l}: an approved lab keeps its code"
        );
        app.finish().await;
    }
}

/// Results: refused while the round is in enrolment; saved results wait until submitted;
/// a submission after the deadline is accepted, flagged late and scored (the evaluation's
/// row says so); the approved and submitted counts stay per lab with two measurands; after
/// release nothing more is saved or submitted.
#[tokio::test]
async fn results_late_submission_and_release() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let gd = demo_login(&app, "gd.organiser").await;
        let s = scheme(&app, &gd, &["汞 (Hg)", "铅 (Pb)"]).await;
        let view = round(&app, &gd, s, "GDPT-2022-21", (true, false, false)).await;
        let id = view["round"]["id"].as_i64().unwrap();
        let m = measurand_ids(&view);
        let lab = demo_login(&app, "lab.staff").await;
        let fs = app.login("fs.lab", PASSWORD).await;
        let dg = app.login("dg.lab", PASSWORD).await;
        for c in [&lab, &fs, &dg] {
            assert_eq!(apply(c, id, &m).await.status, 201, "{l}");
        }
        approve(&app, &gd, id, &["GD-GZ-LAB1", "GD-FS-LAB1", "GD-DG-LAB1"]).await;
        let e = get_round(&lab, id).await.body["mine"]["id"]
            .as_i64()
            .unwrap();
        let results = |hg: &str, pb: &str| {
            json!({"results": [
                {"measurand_id": m[0], "value": hg, "u": "0.004", "k": "2", "method": "GB/T 13079-2006"},
                {"measurand_id": m[1], "value": pb, "u": "0.05", "k": "2"},
            ]})
        };

        // In enrolment: no results yet.
        let r = lab
            .put(
                &format!("/api/v1/pt/enrolments/{e}/results"),
                results("0.043", "0.52"),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "round_in_enrolment"), "{l}");
        let r = evaluate(&gd, id, m[0], "0.044", "0.001", "0.0066").await;
        assert_eq!((r.status, r.code()), (409, "round_in_enrolment"), "{l}");
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["round"]["status"], "testing", "{l}");
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (409, "round_testing"), "{l}");
        let r = invite(&gd, id, json!({"all_qualifying": true})).await;
        assert_eq!((r.status, r.code()), (409, "enrolment_over"), "{l}");

        // Saved is not submitted.
        let r = lab
            .put(
                &format!("/api/v1/pt/enrolments/{e}/results"),
                json!({"results": [{"measurand_id": m[0], "value": "abc"}]}),
            )
            .await;
        assert_eq!(
            r.field_code("results[0].value").as_deref(),
            Some("invalid_number"),
            "{l}: {}",
            r.text
        );
        let r = lab
            .put(
                &format!("/api/v1/pt/enrolments/{e}/results"),
                results("0.043", "0.52"),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_conforms(&doc, "put", "/api/v1/pt/enrolments/{id}/results", &r);
        let saved = &r.body["results"];
        assert_eq!(saved.as_array().unwrap().len(), 2, "{l}");
        assert_eq!(
            (
                saved[0]["reported"].as_str(),
                saved[0]["value"].as_f64(),
                saved[0]["u"].as_f64(),
                saved[0]["method"].as_str(),
                saved[0]["submitted_at"].is_null(),
                saved[0]["late"].as_bool()
            ),
            (
                Some("value"),
                Some(0.043),
                Some(0.004),
                Some("GB/T 13079-2006"),
                true,
                Some(false)
            ),
            "{l}"
        );
        let r = evaluate(&gd, id, m[0], "0.044", "0.001", "0.0066").await;
        assert_eq!(
            (r.status, r.code()),
            (409, "no_results"),
            "{l}: saved results are not evaluated"
        );
        // The provider enters on a lab's behalf only with a note.
        let dg_e = enrolment(&get_round(&gd, id).await.body, "GD-DG-LAB1")["id"]
            .as_i64()
            .unwrap();
        let r = gd
            .put(
                &format!("/api/v1/pt/enrolments/{dg_e}/results"),
                results("0.046", "0.50"),
            )
            .await;
        assert_eq!(
            r.field_code("behalf_note").as_deref(),
            Some("required"),
            "{l}"
        );

        // Two labs submit on time.
        for (c, hg) in [(&fs, "0.045"), (&dg, "0.041")] {
            let me = get_round(c, id).await.body["mine"]["id"].as_i64().unwrap();
            let r = c
                .put(
                    &format!("/api/v1/pt/enrolments/{me}/results"),
                    results(hg, "0.50"),
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            let r = c
                .post(
                    &format!("/api/v1/pt/enrolments/{me}/results/submit"),
                    json!({}),
                )
                .await;
            assert_eq!(
                (r.status, &r.body),
                (200, &json!({"count": 2, "late": false})),
                "{l}"
            );
            let r = c
                .post(
                    &format!("/api/v1/pt/enrolments/{me}/results/submit"),
                    json!({}),
                )
                .await;
            assert_eq!((r.status, r.code()), (409, "nothing_to_submit"), "{l}");
        }
        let v = get_round(&gd, id).await.body;
        assert_eq!(
            (v["approved"].as_i64(), v["submitted"].as_i64()),
            (Some(3), Some(2)),
            "{l}: three labs approved, two submitted (each with two results)"
        );

        // After the deadline (2022-06-10 17:00): accepted and flagged late. (The sessions
        // have expired by then: log in again.)
        app.clock.advance(Duration::days(41)); // 2022-06-11 10:00
        let gd = demo_login(&app, "gd.organiser").await;
        let lab = demo_login(&app, "lab.staff").await;
        let r = lab
            .post(
                &format!("/api/v1/pt/enrolments/{e}/results/submit"),
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, &r.body),
            (200, &json!({"count": 2, "late": true})),
            "{l}: {}",
            r.text
        );
        let r = lab.get(&format!("/api/v1/pt/enrolments/{e}/results")).await;
        assert_eq!(r.status, 200, "{l}");
        assert!(
            r.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["late"] == true && x["submitted_at"].is_string()),
            "{l}: {}",
            r.text
        );
        let v = get_round(&gd, id).await.body;
        assert_eq!(
            (v["approved"].as_i64(), v["submitted"].as_i64()),
            (Some(3), Some(3)),
            "{l}"
        );

        // The late result is scored, its row flagged.
        let r = evaluate(&gd, id, m[0], "0.044", "0.001", "0.0066").await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_conforms(&doc, "post", "/api/v1/pt/rounds/{id}/evaluations", &r);
        let outcome = &r.body["outcome"];
        assert_eq!(outcome["n"], 3, "{l}");
        assert_eq!(outcome["u_negligible"], true, "{l}: 0.001 ≤ 0.3·0.0066");
        let my_code = get_round(&lab, id).await.body["mine"]["sample_code"]
            .as_str()
            .unwrap()
            .to_owned();
        let rows = outcome["rows"].as_array().unwrap();
        let mine = rows
            .iter()
            .find(|x| x["sample_code"] == my_code.as_str())
            .unwrap();
        assert_eq!(
            (
                mine["late"].as_bool(),
                mine["score_kind"].as_str(),
                mine["class"].as_str(),
                mine["result"].as_str()
            ),
            (Some(true), Some("z"), Some("satisfactory"), Some("0.0430")),
            "{l}: {mine}"
        );
        assert!(
            (mine["z"].as_f64().unwrap() - (0.043 - 0.044) / 0.0066).abs() < 1e-9,
            "{l}: {mine}"
        );
        assert_eq!(
            rows.iter().filter(|x| x["late"] == true).count(),
            1,
            "{l}: only the late one"
        );
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!(
            (r.status, r.field_code("measurand_id").as_deref()),
            (422, Some("not_evaluated")),
            "{l}: lead is not evaluated yet: {}",
            r.text
        );
        let r = evaluate(&gd, id, m[1], "0.50", "0.01", "0.05").await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        // A result submitted after its measurand's evaluation stops the release until the
        // measurand is evaluated again (it would otherwise be published unscored).
        app.clock.advance(chrono::Duration::minutes(5));
        let r = lab
            .put(
                &format!("/api/v1/pt/enrolments/{e}/results"),
                results("0.045", "0.50"),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = lab
            .post(
                &format!("/api/v1/pt/enrolments/{e}/results/submit"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!(
            (r.status, r.field_code("measurand_id").as_deref()),
            (422, Some("evaluation_outdated")),
            "{l}: {}",
            r.text
        );
        for (mid, x, u, s) in [
            (m[0], "0.044", "0.001", "0.0066"),
            (m[1], "0.50", "0.01", "0.05"),
        ] {
            let r = evaluate(&gd, id, mid, x, u, s).await;
            assert_eq!(r.status, 201, "{l}: {}", r.text);
        }
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["round"]["status"], "released", "{l}");

        // Released: locked.
        let r = lab
            .put(
                &format!("/api/v1/pt/enrolments/{e}/results"),
                results("0.044", "0.50"),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "round_released"), "{l}");
        let r = lab
            .post(
                &format!("/api/v1/pt/enrolments/{e}/results/submit"),
                json!({}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "round_released"), "{l}");
        let r = gd
            .post(
                &format!("/api/v1/pt/rounds/{id}/results"),
                json!({"rows": [{"sample_code": my_code, "measurand": "汞 (Hg)", "value": "0.044"}],
                       "note": "补录"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "round_released"), "{l}");
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (409, "round_released"), "{l}");
        let r = lab
            .get(&format!("/api/v1/pt/enrolments/{e}/outcomes"))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_conforms(&doc, "get", "/api/v1/pt/enrolments/{id}/outcomes", &r);
        let late: Vec<bool> = r.body["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["row"]["late"].as_bool().unwrap())
            .collect();
        assert_eq!(late, [true, true], "{l}: both measurands' rows say late");
        app.finish().await;
    }
}

/// The follow-up of an unsatisfactory result: opened at release for the lab with |z| ≥ 3
/// (and one for the questionable result), answered by the lab, returned by the provider
/// with a note, answered again and closed; closing twice is a conflict. The lab's city
/// bureau and the provincial viewer see it; another lab, another city's viewer and the
/// lab's own viewer's answer do not get in.
#[tokio::test]
async fn follow_up_of_an_unsatisfactory_result() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let gd = demo_login(&app, "gd.organiser").await;
        let s = scheme(&app, &gd, &["汞 (Hg)"]).await;
        let view = round(&app, &gd, s, "GDPT-2022-31", (true, false, false)).await;
        let id = view["round"]["id"].as_i64().unwrap();
        let m = measurand_ids(&view);
        let lab = demo_login(&app, "lab.staff").await;
        let fs = app.login("fs.lab", PASSWORD).await;
        let dg = app.login("dg.lab", PASSWORD).await;
        for c in [&lab, &fs, &dg] {
            assert_eq!(apply(c, id, &m).await.status, 201, "{l}");
        }
        approve(&app, &gd, id, &["GD-GZ-LAB1", "GD-FS-LAB1", "GD-DG-LAB1"]).await;
        assert_eq!(
            gd.post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
                .await
                .status,
            200
        );
        let codes = codes(&gd, id).await;

        // Samples: dispatched on 28 April, three days before now (1 May), not yet
        // received: overdue on the provider's list; the lab confirms receipt (a damaged
        // sample needs a note), once; another lab cannot.
        let e = enrolment(&get_round(&gd, id).await.body, "GD-GZ-LAB1")["id"]
            .as_i64()
            .unwrap();
        let r = gd
            .post(
                &format!("/api/v1/pt/enrolments/{e}/dispatches"),
                json!({"courier": "顺丰速运", "tracking": "SF1234567890", "sent_on": "2022-04-28"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let dispatch = r.body["id"].as_i64().unwrap();
        let row =
            enrolment(&get_round(&gd, id).await.body, "GD-GZ-LAB1")["receipt_overdue"].clone();
        assert_eq!(row, true, "{l}");
        let mine = get_round(&lab, id).await.body["mine"]["dispatches"].clone();
        assert_eq!(
            (
                mine[0]["tracking"].as_str(),
                mine[0]["received_at"].is_null()
            ),
            (Some("SF1234567890"), true),
            "{l}: {mine}"
        );
        let receipt = format!("/api/v1/pt/rounds/{id}/dispatches/{dispatch}/receipt");
        let r = fs.post(&receipt, json!({"condition": "intact"})).await;
        assert_eq!(r.status, 404, "{l}: another lab's samples");
        let r = lab.post(&receipt, json!({"condition": "damaged"})).await;
        assert_eq!(r.field_code("note").as_deref(), Some("required"), "{l}");
        let r = lab
            .post(
                &receipt,
                json!({"condition": "damaged", "note": "一瓶样品瓶盖松动"}),
            )
            .await;
        assert_eq!(r.status, 204, "{l}: {}", r.text);
        let r = lab.post(&receipt, json!({"condition": "intact"})).await;
        assert_eq!((r.status, r.code()), (409, "already_received"), "{l}");
        let row = enrolment(&get_round(&gd, id).await.body, "GD-GZ-LAB1").clone();
        assert_eq!(
            (
                row["receipt_overdue"].as_bool(),
                row["dispatches"][0]["condition"].as_str(),
                row["dispatches"][0]["receipt_note"].as_str()
            ),
            (Some(false), Some("damaged"), Some("一瓶样品瓶盖松动")),
            "{l}"
        );

        // z = (x − 0.044)/0.0066: 3.94 (GZ), 0.15 (FS), 2.05 (DG).
        let rows: Vec<Value> = [("GD-GZ-LAB1", "0.070"), ("GD-FS-LAB1", "0.045"), ("GD-DG-LAB1", "0.0575")]
            .iter()
            .map(|(lab, x)| json!({"sample_code": codes[*lab].to_lowercase(), "measurand": "汞 (Hg)", "value": x, "unit": "mg/kg"}))
            .collect();
        let r = gd
            .post(
                &format!("/api/v1/pt/rounds/{id}/results"),
                json!({"rows": rows, "note": "实验室邮件报送，由提供者代录"}),
            )
            .await;
        assert_eq!(
            (r.status, &r.body),
            (200, &json!({"stored": 3})),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            evaluate(&gd, id, m[0], "0.044", "0.001", "0.0066")
                .await
                .status,
            201
        );
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        let all = gd.get(&format!("/api/v1/pt/followups?round_id={id}")).await;
        assert_eq!(all.status, 200, "{l}: {}", all.text);
        assert_conforms(&doc, "get", "/api/v1/pt/followups", &all);
        let opened: BTreeMap<&str, (&str, &str)> = all
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["lab_name"].as_str().unwrap(),
                    (f["class"].as_str().unwrap(), f["status"].as_str().unwrap()),
                )
            })
            .collect();
        assert_eq!(
            opened,
            BTreeMap::from([
                ("广州穗准检测技术有限公司", ("unsatisfactory", "open")),
                ("东莞莞安防护用品检测有限公司", ("questionable", "open")),
            ]),
            "{l}"
        );

        // The lab sees its own, due 30 days after release.
        let mine = lab
            .get(&format!("/api/v1/pt/followups?round_id={id}"))
            .await;
        let list = mine.body.as_array().unwrap();
        assert_eq!(list.len(), 1, "{l}: {}", mine.text);
        let f = &list[0];
        let fid = f["id"].as_i64().unwrap();
        assert_eq!(
            (
                f["class"].as_str(),
                f["status"].as_str(),
                f["due_on"].as_str(),
                f["measurand_name"].as_str(),
                f["may_answer"].as_bool(),
                f["may_review"].as_bool()
            ),
            (
                Some("unsatisfactory"),
                Some("open"),
                Some("2022-05-31"),
                Some("汞 (Hg)"),
                Some(true),
                Some(false)
            ),
            "{l}: {f}"
        );
        let path = format!("/api/v1/pt/followups/{fid}");

        // Who sees it: the Guangzhou bureau's organiser and the provincial viewer, not
        // another lab nor Shenzhen's viewer.
        let gdgz = app.login("gdgz.organiser", PASSWORD).await;
        let gd_viewer = demo_login(&app, "gd.viewer").await;
        let sz_viewer = demo_login(&app, "gdsz.viewer").await;
        let r = gdgz.get("/api/v1/pt/followups").await;
        let ids: Vec<i64> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [fid], "{l}: Guangzhou's labs only: {}", r.text);
        let r = gdgz.get(&path).await;
        assert_eq!(
            (
                r.status,
                r.body["may_answer"].as_bool(),
                r.body["may_review"].as_bool()
            ),
            (200, Some(false), Some(false)),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            gd_viewer
                .get("/api/v1/pt/followups")
                .await
                .body
                .as_array()
                .unwrap()
                .len(),
            2,
            "{l}: the provincial viewer sees Guangdong's labs"
        );
        assert_eq!(gd_viewer.get(&path).await.status, 200, "{l}");
        for (who, c) in [("another lab", &fs), ("Shenzhen's viewer", &sz_viewer)] {
            assert_eq!(c.get(&path).await.status, 404, "{l}: {who}");
            let r = c.get("/api/v1/pt/followups").await;
            assert_eq!((r.status, &r.body), (200, &json!([])), "{l}: {who}");
            let r = c.get(&format!("/api/v1/pt/followups?round_id={id}")).await;
            assert_eq!(r.body, json!([]), "{l}: {who}");
            let r = c
                .post(
                    &format!("{path}/answer"),
                    json!({"root_cause": "x", "action": "y"}),
                )
                .await;
            assert_eq!(r.status, 404, "{l}: {who}");
        }
        let lab_viewer = demo_login(&app, "lab.viewer").await;
        let r = lab_viewer
            .post(
                &format!("{path}/answer"),
                json!({"root_cause": "x", "action": "y"}),
            )
            .await;
        assert_eq!(r.status, 403, "{l}: a viewer does not answer: {}", r.text);

        // Nothing to review yet; an answer needs both parts.
        let r = gd
            .post(&format!("{path}/review"), json!({"decision": "close"}))
            .await;
        assert_eq!((r.status, r.code()), (409, "followup_not_submitted"), "{l}");
        let r = lab
            .post(
                &format!("{path}/answer"),
                json!({"root_cause": "消解温度偏高导致汞损失。", "action": ""}),
            )
            .await;
        assert_eq!(r.field_code("action").as_deref(), Some("required"), "{l}");

        // Answer → return with a note → answer again → close.
        let r = lab
            .post(
                &format!("{path}/answer"),
                json!({"root_cause": "消解温度偏高导致汞损失。", "action": "改用密闭微波消解，重新验证方法。"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_conforms(&doc, "post", "/api/v1/pt/followups/{id}/answer", &r);
        assert_eq!(
            (
                r.body["status"].as_str(),
                r.body["root_cause"].as_str(),
                r.body["may_answer"].as_bool()
            ),
            (
                Some("submitted"),
                Some("消解温度偏高导致汞损失。"),
                Some(false)
            ),
            "{l}"
        );
        let r = lab
            .post(
                &format!("{path}/answer"),
                json!({"root_cause": "再次", "action": "再次"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "followup_submitted"), "{l}");
        let r = gdgz
            .post(&format!("{path}/review"), json!({"decision": "close"}))
            .await;
        assert_eq!(
            r.status, 403,
            "{l}: the city bureau does not review: {}",
            r.text
        );
        let r = gd
            .post(&format!("{path}/review"), json!({"decision": "return"}))
            .await;
        assert_eq!(r.field_code("note").as_deref(), Some("required"), "{l}");
        let r = gd
            .post(
                &format!("{path}/review"),
                json!({"decision": "return", "note": "请附方法验证记录。"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            (r.body["status"].as_str(), r.body["review_note"].as_str()),
            (Some("returned"), Some("请附方法验证记录。")),
            "{l}"
        );
        let r = lab.get(&path).await;
        assert_eq!(
            (r.body["status"].as_str(), r.body["may_answer"].as_bool()),
            (Some("returned"), Some(true)),
            "{l}"
        );
        let r = lab
            .post(
                &format!("{path}/answer"),
                json!({"root_cause": "消解温度偏高导致汞损失。", "action": "改用密闭微波消解；附方法验证记录（加标回收率 96%）。"}),
            )
            .await;
        assert_eq!(
            (
                r.status,
                r.body["status"].as_str(),
                r.body["action"].as_str()
            ),
            (
                200,
                Some("submitted"),
                Some("改用密闭微波消解；附方法验证记录（加标回收率 96%）。")
            ),
            "{l}: {}",
            r.text
        );
        let r = gd
            .post(&format!("{path}/review"), json!({"decision": "close"}))
            .await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("closed")),
            "{l}: {}",
            r.text
        );
        let r = gd
            .post(&format!("{path}/review"), json!({"decision": "close"}))
            .await;
        assert_eq!((r.status, r.code()), (409, "followup_closed"), "{l}");
        let r = lab
            .post(
                &format!("{path}/answer"),
                json!({"root_cause": "x", "action": "y"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "followup_closed"), "{l}");
        let r = gdgz.get(&path).await;
        assert_eq!(r.body["status"], "closed", "{l}");

        // The lab's outcome and letter: its score, everyone by code only.
        let e = get_round(&lab, id).await.body["mine"]["id"]
            .as_i64()
            .unwrap();
        let r = lab
            .get(&format!("/api/v1/pt/enrolments/{e}/outcomes"))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let o = &r.body["outcomes"][0];
        assert_eq!(o["row"]["class"], "unsatisfactory", "{l}");
        assert!(
            (o["row"]["z"].as_f64().unwrap() - 0.026 / 0.0066).abs() < 1e-9,
            "{l}: {o}"
        );
        assert_eq!(o["scores"].as_array().unwrap().len(), 3, "{l}");
        for name in [
            "佛山禅信食品检测有限公司",
            "东莞莞安防护用品检测有限公司",
            "GD-FS-LAB1",
        ] {
            assert!(!r.text.contains(name), "{l}: {name} in {}", r.text);
        }
        // The city bureau reads its lab's outcome; Shenzhen's viewer does not.
        let r = gdgz
            .get(&format!("/api/v1/pt/enrolments/{e}/outcomes"))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = sz_viewer
            .get(&format!("/api/v1/pt/enrolments/{e}/outcomes"))
            .await;
        assert_eq!(r.status, 404, "{l}");
        let pdf = lab
            .get(&format!("/api/v1/pt/enrolments/{e}/letter.pdf"))
            .await;
        assert_eq!(pdf.status, 200, "{l}: {}", pdf.text);
        assert_eq!(pdf.headers["content-type"], "application/pdf", "{l}");
        assert!(pdf.text.starts_with("%PDF"), "{l}");
        app.finish().await;
    }
}

/// Who may run a round: the provider's organiser creates, evaluates and releases; the
/// provider's staff and viewer see its rounds and evaluations but may not create, start,
/// evaluate or release (403); a
/// lab may not evaluate, release, decide or load (404), nor read another lab's results,
/// outcomes or letter (404).
#[tokio::test]
async fn who_may_run_a_round_and_read_a_labs_results() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let gd = demo_login(&app, "gd.organiser").await;
        let staff = demo_login(&app, "gd.staff").await;
        let viewer = demo_login(&app, "gd.viewer").await;
        let lab = demo_login(&app, "lab.staff").await;
        let fs = app.login("fs.lab", PASSWORD).await;

        let r = staff
            .post(
                "/api/v1/pt/schemes",
                json!({"name": "绝缘电阻测试能力验证", "field": "家电",
                       "measurands": [{"name": "绝缘电阻", "unit": "MΩ", "decimals": "1"}]}),
            )
            .await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{l}: {}", r.text);
        let s = scheme(&app, &gd, &["汞 (Hg)"]).await;
        let ids: Vec<i64> = gd
            .get("/api/v1/pt/schemes")
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [s], "{l}");
        let body = json!({"scheme_id": s, "code": "GDPT-2022-41", "title": "员工创建",
            "enrol_until": "2022-05-20 17:00", "dispatch_on": "2022-05-23",
            "results_until": "2022-06-10 17:00", "provincial_cma": true});
        let r = staff.post("/api/v1/pt/rounds", body.clone()).await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{l}: {}", r.text);
        let r = lab.post("/api/v1/pt/rounds", body.clone()).await;
        assert_eq!(r.status, 403, "{l}: a lab does not run Guangdong's PT");
        let view = round(&app, &gd, s, "GDPT-2022-41", (true, false, false)).await;
        let r = gd.post("/api/v1/pt/rounds", body.clone()).await;
        assert_eq!(
            r.field_code("code").as_deref(),
            Some("code_taken"),
            "{l}: {}",
            r.text
        );
        let mut unknown_campaign = body;
        unknown_campaign["code"] = json!("GDPT-2022-42");
        unknown_campaign["campaign_id"] = json!(999_999);
        let r = gd.post("/api/v1/pt/rounds", unknown_campaign).await;
        assert_eq!(
            (r.status, r.field_code("campaign_id").as_deref()),
            (422, Some("not_found")),
            "{l}: {}",
            r.text
        );
        let id = view["round"]["id"].as_i64().unwrap();
        let m = measurand_ids(&view);
        for c in [&lab, &fs] {
            assert_eq!(apply(c, id, &m).await.status, 201, "{l}");
        }
        let pending = enrolment(&get_round(&gd, id).await.body, "GD-FS-LAB1")["id"]
            .as_i64()
            .unwrap();
        let r = lab
            .post(
                &format!("/api/v1/pt/enrolments/{pending}/decision"),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(r.status, 404, "{l}: a lab does not decide");
        approve(&app, &gd, id, &["GD-GZ-LAB1", "GD-FS-LAB1"]).await;
        for (who, c, status) in [("staff", &staff, 403), ("lab", &lab, 404)] {
            let r = c
                .post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
                .await;
            assert_eq!(r.status, status, "{l}: {who}: {}", r.text);
        }
        assert_eq!(
            gd.post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
                .await
                .status,
            200
        );
        let e = get_round(&lab, id).await.body["mine"]["id"]
            .as_i64()
            .unwrap();
        for (c, x) in [(&lab, "0.043"), (&fs, "0.047")] {
            let me = get_round(c, id).await.body["mine"]["id"].as_i64().unwrap();
            let r = c
                .put(
                    &format!("/api/v1/pt/enrolments/{me}/results"),
                    json!({"results": [{"measurand_id": m[0], "value": x}]}),
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            let r = c
                .post(
                    &format!("/api/v1/pt/enrolments/{me}/results/submit"),
                    json!({}),
                )
                .await;
            assert_eq!(r.status, 200, "{l}");
        }

        // Another lab reads nothing of this lab's, and changes nothing.
        let r = fs.get(&format!("/api/v1/pt/enrolments/{e}/results")).await;
        assert_eq!(r.status, 404, "{l}: {}", r.text);
        let r = fs
            .put(
                &format!("/api/v1/pt/enrolments/{e}/results"),
                json!({"results": [{"measurand_id": m[0], "value": "0.1"}]}),
            )
            .await;
        assert_eq!(r.status, 404, "{l}");
        let r = lab.get(&format!("/api/v1/pt/enrolments/{e}/results")).await;
        assert_eq!(r.body["results"][0]["value"], 0.043, "{l}: unchanged");

        // Evaluating: the provider's organiser only.
        let form = json!({"measurand_id": m[0], "assigned": "reference", "assigned_value": "0.044",
                          "assigned_u": "0.001", "sigma": "fixed", "sigma_value": "0.0066"});
        for (who, c, status) in [
            ("staff", &staff, 403),
            ("viewer", &viewer, 403),
            ("lab", &lab, 404),
        ] {
            let r = c
                .post(&format!("/api/v1/pt/rounds/{id}/evaluations"), form.clone())
                .await;
            assert_eq!(r.status, status, "{l}: {who}: {}", r.text);
        }
        let r = lab
            .post(
                &format!("/api/v1/pt/rounds/{id}/results"),
                json!({"rows": [], "note": "x"}),
            )
            .await;
        assert_eq!(r.status, 404, "{l}: a lab does not load a round");
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/evaluations"), form)
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        for c in [&viewer, &staff] {
            let r = c.get(&format!("/api/v1/pt/rounds/{id}/evaluations")).await;
            assert_eq!(
                r.status, 200,
                "{l}: the provider's staff and viewer read them"
            );
        }
        let r = lab
            .get(&format!("/api/v1/pt/rounds/{id}/evaluations"))
            .await;
        assert_eq!(r.status, 404, "{l}");
        // Before release the lab has no outcomes (nothing leaks), the provider has.
        assert_eq!(
            lab.get(&format!("/api/v1/pt/enrolments/{e}/outcomes"))
                .await
                .status,
            404,
            "{l}"
        );
        assert_eq!(
            gd.get(&format!("/api/v1/pt/enrolments/{e}/outcomes"))
                .await
                .status,
            200,
            "{l}"
        );
        for (who, c, status) in [
            ("staff", &staff, 403),
            ("viewer", &viewer, 403),
            ("lab", &lab, 404),
        ] {
            let r = c
                .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
                .await;
            assert_eq!(r.status, status, "{l}: {who}: {}", r.text);
        }
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        // Released: the lab reads its own, another lab still nothing.
        assert_eq!(
            lab.get(&format!("/api/v1/pt/enrolments/{e}/outcomes"))
                .await
                .status,
            200,
            "{l}"
        );
        for p in ["results", "outcomes", "letter.pdf"] {
            let r = fs.get(&format!("/api/v1/pt/enrolments/{e}/{p}")).await;
            assert_eq!(r.status, 404, "{l}: another lab's {p}: {}", r.text);
            assert_eq!(r.code(), "not_found", "{l}: {p}");
        }
        app.finish().await;
    }
}

/// One row of ISO 13528:2022 Table E.6 (E.4, mercury in feed) with its printed scores.
struct E4Row {
    lab: String,
    x: String,
    u: String,
    k: String,
    d_percent: f64,
    z: f64,
    z_prime: f64,
    zeta: f64,
    en: f64,
}

/// The 21 rows of `tests/data/iso13528_e4/E4_mercury_in_feed.csv` (see the README there).
fn e4_rows() -> Vec<E4Row> {
    let csv = include_str!("../data/iso13528_e4/E4_mercury_in_feed.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let num = |name: &str| f[col(name)].parse::<f64>().unwrap();
            E4Row {
                lab: f[col("lab")].to_owned(),
                x: f[col("x_mg_per_kg")].to_owned(),
                u: f[col("U_lab")].to_owned(),
                k: f[col("k")].to_owned(),
                d_percent: num("printed_D_percent"),
                z: num("printed_z"),
                z_prime: num("printed_z_prime"),
                zeta: num("printed_zeta"),
                en: num("printed_En"),
            }
        })
        .collect()
}

/// ISO 13528:2022 Annex E.4 end to end: 21 labs in Guangdong with a provincial CMA are
/// invited, apply and are approved; a script loads their results with U and k by sample
/// code (all or nothing: a load with a bad row stores nothing); the evaluation against the
/// reference value 0.044 mg/kg (u 0.0041) with the prescribed σpt 0.0066 gives every
/// printed D%, z, z′, ζ and En of Table E.6. u(x_pt) > 0.3σpt, so z′ is the score used.
#[tokio::test]
async fn iso_13528_e4_scores_through_the_api() {
    let data = e4_rows();
    assert_eq!(data.len(), 21);
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let ids = demo_directory(&app).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let gd = demo_login(&app, "gd.organiser").await;
        for row in &data {
            let code = format!("GD-E4-{}", row.lab);
            let r = gd
                .post(
                    "/api/v1/orgs",
                    json!({"parent_id": ids["GD"], "code": code,
                           "name": format!("饲料检测参加实验室{}", row.lab),
                           "kind": "lab", "cma_level": "provincial"}),
                )
                .await;
            assert_eq!(r.status, 201, "{l}: {}", r.text);
            app.account(
                &format!("e4.{}", row.lab.to_lowercase()),
                Role::Staff,
                &code,
            )
            .await;
        }
        let s = scheme(&app, &gd, &["汞 (Hg)"]).await;
        let view = round(&app, &gd, s, "GDPT-2022-E4", (true, false, false)).await;
        let id = view["round"]["id"].as_i64().unwrap();
        let m = measurand_ids(&view);
        // The 21 and the demo's three provincial-CMA labs of Guangdong.
        let r = invite(&gd, id, json!({"all_qualifying": true})).await;
        assert_eq!(r.body, json!({"invited": 24}), "{l}: {}", r.text);
        for row in &data {
            let c = app
                .login(&format!("e4.{}", row.lab.to_lowercase()), PASSWORD)
                .await;
            assert_eq!(apply(&c, id, &m).await.status, 201, "{l} {}", row.lab);
        }
        let labs: Vec<String> = data.iter().map(|r| format!("GD-E4-{}", r.lab)).collect();
        let lab_refs: Vec<&str> = labs.iter().map(String::as_str).collect();
        approve(&app, &gd, id, &lab_refs).await;
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["approved"], 21, "{l}");
        let codes = codes(&gd, id).await;
        assert_eq!(
            codes.len(),
            21,
            "{l}: the invited who never applied get no code"
        );
        let rows: Vec<Value> = data
            .iter()
            .map(|r| {
                json!({"sample_code": codes[&format!("GD-E4-{}", r.lab)], "measurand": "汞 (Hg)",
                       "value": r.x, "u": r.u, "k": r.k, "unit": "mg/kg"})
            })
            .collect();

        // A load with bad rows is refused whole, each row named.
        let mut bad = rows.clone();
        bad[3]["sample_code"] = json!("ZZZZZZ");
        bad[5]["unit"] = json!("μg/kg");
        bad.push(rows[0].clone());
        let path = format!("/api/v1/pt/rounds/{id}/results");
        let r = gd
            .post(&path, json!({"rows": bad, "note": "由脚本批量导入"}))
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            (
                r.field_code("rows[3].sample_code").as_deref(),
                r.field_code("rows[5].unit").as_deref(),
                r.field_code("rows[21].measurand").as_deref()
            ),
            (
                Some("unknown_sample_code"),
                Some("unit_mismatch"),
                Some("duplicate")
            ),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            get_round(&gd, id).await.body["submitted"],
            0,
            "{l}: nothing stored"
        );
        let r = gd
            .post(
                &path,
                json!({"rows": rows, "note": "由脚本批量导入（ISO 13528:2022 E.4）"}),
            )
            .await;
        assert_eq!(
            (r.status, &r.body),
            (200, &json!({"stored": 21})),
            "{l}: {}",
            r.text
        );
        assert_conforms(&doc, "post", "/api/v1/pt/rounds/{id}/results", &r);
        assert_eq!(get_round(&gd, id).await.body["submitted"], 21, "{l}");

        let r = evaluate(&gd, id, m[0], "0.044", "0.0041", "0.0066").await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let o = &r.body["outcome"];
        assert_eq!(
            (
                o["n"].as_i64(),
                o["assigned"].as_f64(),
                o["u_assigned"].as_f64(),
                o["sigma_pt"].as_f64(),
                o["u_negligible"].as_bool()
            ),
            (
                Some(21),
                Some(0.044),
                Some(0.0041),
                Some(0.0066),
                Some(false)
            ),
            "{l}: {o}"
        );
        let by_code: HashMap<&str, &Value> = o["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["sample_code"].as_str().unwrap(), r))
            .collect();
        assert_eq!(by_code.len(), 21, "{l}");
        // The table prints the scores with two decimals and D% with one; the CSV drops
        // trailing zeros (−4.7 is −4.70), so each is compared to half a unit of the
        // table's last digit, never looser than the CSV's.
        let mut classes = BTreeMap::new();
        for d in &data {
            let row = by_code[codes[&format!("GD-E4-{}", d.lab)].as_str()];
            let got = |k: &str| row[k].as_f64().unwrap();
            for (name, printed, computed, half) in [
                ("D%", d.d_percent, got("d_percent"), 0.05),
                ("z", d.z, got("z"), 0.005),
                ("z′", d.z_prime, got("z_prime"), 0.005),
                ("ζ", d.zeta, got("zeta"), 0.005),
                ("En", d.en, got("en"), 0.005),
            ] {
                assert!(
                    (computed - printed).abs() <= half + 1e-9,
                    "{l}: {} {name}: computed {computed}, printed {printed}",
                    d.lab
                );
            }
            assert_eq!(row["score_kind"], "z_prime", "{l}: {}", d.lab);
            assert_eq!(row["late"], false, "{l}");
            let class = row["class"].as_str().unwrap().to_owned();
            let expected = match d.z_prime.abs() {
                a if a >= 3.0 => "unsatisfactory",
                a if a > 2.0 => "questionable",
                _ => "satisfactory",
            };
            assert_eq!(class, expected, "{l}: {} z′ {}", d.lab, d.z_prime);
            *classes.entry(class).or_insert(0) += 1;
        }
        assert_eq!(
            classes,
            BTreeMap::from([
                ("questionable".to_owned(), 1),
                ("satisfactory".to_owned(), 12),
                ("unsatisfactory".to_owned(), 8),
            ]),
            "{l}"
        );
        app.finish().await;
    }
}

/// The columns of a CSV fixture of `tests/data`, by header, every row's cells.
fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

/// A results spreadsheet (CSV) posted as multipart with `note`.
async fn import(c: &Client, round: i64, csv: String, note: &str) -> Resp {
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes())
                .file_name("结果.csv")
                .mime_str("text/csv")
                .unwrap(),
        )
        .text("note", note.to_owned());
    c.send(
        c.request(
            reqwest::Method::POST,
            &format!("/api/v1/pt/rounds/{round}/results.xlsx"),
        )
        .multipart(form),
    )
    .await
}

/// ISO 13528:2022 Annex E.2 through the API: the homogeneity study of 10 items in
/// duplicate gives the printed s_x, s_w, s_s and 0.3σpt and passes; the stability study
/// the printed second mean and difference; both carry their standard uncertainty into
/// u(x_pt) at evaluation (√(u_char² + u_hom² + u_stab²)). Results come in as spreadsheets:
/// a lab's own rows are saved for it to submit (another lab's sample code is refused), the
/// provider's are submitted with a note. After release: the participation by city, the
/// lab's history, the round report and the letters.
#[tokio::test]
async fn homogeneity_and_stability_carry_into_u_x_pt() {
    let hom = csv_rows(include_str!("../data/iso13528_e2/E2_homogeneity.csv"));
    let stab = csv_rows(include_str!("../data/iso13528_e2/E2_stability.csv"));
    assert_eq!((hom.len(), stab.len()), (10, 2));
    let pair = |r: &HashMap<String, String>| format!("{} {}", r["replicate_1"], r["replicate_2"]);
    let hom_lines: Vec<String> = hom
        .iter()
        .map(|r| format!("{} {}", r["item"], pair(r)))
        .collect();
    let all_values: Vec<String> = hom.iter().map(pair).collect();
    let second: Vec<String> = stab.iter().map(pair).collect();
    let near = |got: &Value, printed: f64, half: f64| {
        got.as_f64()
            .is_some_and(|g| (g - printed).abs() <= half + 1e-12)
    };
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let ids = demo_directory(&app).await;
        let gd = demo_login(&app, "gd.organiser").await;
        let viewer = demo_login(&app, "gd.viewer").await;
        let lab = demo_login(&app, "lab.staff").await;
        let fs = app.login("fs.lab", PASSWORD).await;
        let dg = app.login("dg.lab", PASSWORD).await;
        let s = scheme(&app, &gd, &["汞 (Hg)"]).await;
        let view = round(&app, &gd, s, "GDPT-2022-51", (true, false, false)).await;
        let id = view["round"]["id"].as_i64().unwrap();
        let m = measurand_ids(&view);
        let studies = format!("/api/v1/pt/rounds/{id}/studies");

        // Homogeneity: ten items in duplicate, σpt 0.02807.
        let body = json!({"measurand_id": m[0], "kind": "homogeneity",
                          "data": hom_lines.join("\n"), "sigma_pt": "0.02807"});
        let r = lab.post(&studies, body.clone()).await;
        assert_eq!(r.status, 404, "{l}: a lab records no study");
        let r = gd.post(&studies, body).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let h = &r.body;
        assert_eq!(
            (h["kind"].as_str(), h["passed"].as_bool()),
            (Some("homogeneity"), Some(true)),
            "{l}"
        );
        let d = &h["detail"];
        for (name, printed, half) in [
            ("mean", 0.18715, 0.000005),
            ("s_x", 0.00398, 0.000005),
            ("s_w", 0.00556, 0.000005),
            ("s_s", 0.00060, 0.000005),
            ("criterion", 0.00842, 0.000005),
        ] {
            assert!(
                near(&d[name], printed, half),
                "{l}: {name} {} vs {printed}",
                d[name]
            );
        }
        let u_hom = h["u"].as_f64().unwrap();
        assert_eq!(h["u"], d["s_s"], "{l}: u_hom = s_s");

        // Stability: the second occasion against the homogeneity study's values.
        let r = gd
            .post(
                &studies,
                json!({"measurand_id": m[0], "kind": "stability", "data": all_values.join(" "),
                       "second": second.join(" "), "sigma_pt": "0.02807"}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let st = &r.body;
        assert_eq!(st["passed"], true, "{l}");
        assert!(
            near(&st["detail"]["mean_2"], 0.19375, 0.000005),
            "{l}: {st}"
        );
        assert!(
            near(&st["detail"]["difference"], 0.0066, 0.00005),
            "{l}: {st}"
        );
        let u_stab = st["u"].as_f64().unwrap();
        assert!(
            (u_stab - st["detail"]["difference"].as_f64().unwrap() / 3f64.sqrt()).abs() < 1e-15,
            "{l}"
        );
        // Refused input, each on its field.
        let r = gd
            .post(
                &studies,
                json!({"measurand_id": m[0], "kind": "homogeneity", "data": "1 0.185 0.194"}),
            )
            .await;
        assert_eq!(
            r.field_code("data").as_deref(),
            Some("too_few_items"),
            "{l}"
        );
        let r = gd
            .post(&studies, json!({"measurand_id": m[0], "kind": "stability", "data": "0.18", "second": "0.19"}))
            .await;
        assert_eq!(r.field_code("sigma_pt").as_deref(), Some("required"), "{l}");
        let r = viewer.get(&studies).await;
        assert_eq!(r.status, 200, "{l}");
        let kinds: Vec<&str> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["homogeneity", "stability"], "{l}");
        assert_eq!(lab.get(&studies).await.status, 404, "{l}");

        // Enrolment, then results by spreadsheet.
        for c in [&lab, &fs, &dg] {
            assert_eq!(apply(c, id, &m).await.status, 201, "{l}");
        }
        approve(&app, &gd, id, &["GD-GZ-LAB1", "GD-FS-LAB1", "GD-DG-LAB1"]).await;
        assert_eq!(
            gd.post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
                .await
                .status,
            200
        );
        let codes = codes(&gd, id).await;
        let template = lab
            .get(&format!("/api/v1/pt/rounds/{id}/results.xlsx"))
            .await;
        assert_eq!(template.status, 200, "{l}: {}", template.text);
        assert_eq!(
            template.headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "{l}"
        );
        assert!(template.text.starts_with("PK"), "{l}: an xlsx is a zip");
        let sheet = |rows: &[(&str, &str)]| {
            let mut csv = String::from("样品编号,检测项目,单位,结果,扩展不确定度U,包含因子k\n");
            for (lab, x) in rows {
                csv.push_str(&format!("{},汞 (Hg),mg/kg,{x},0.01,2\n", codes[*lab]));
            }
            csv
        };
        let r = import(&lab, id, sheet(&[("GD-FS-LAB1", "0.19")]), "").await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.code(), "invalid_input", "{l}");
        let r = import(&lab, id, sheet(&[("GD-GZ-LAB1", "0.192")]), "").await;
        assert_eq!(
            (r.status, &r.body),
            (200, &json!({"stored": 1})),
            "{l}: {}",
            r.text
        );
        let e = get_round(&lab, id).await.body["mine"]["id"]
            .as_i64()
            .unwrap();
        let mine = lab.get(&format!("/api/v1/pt/enrolments/{e}/results")).await;
        assert!(
            mine.body["results"][0]["submitted_at"].is_null(),
            "{l}: a lab's import is saved for it to submit: {}",
            mine.text
        );
        assert_eq!(
            lab.post(
                &format!("/api/v1/pt/enrolments/{e}/results/submit"),
                json!({})
            )
            .await
            .body,
            json!({"count": 1, "late": false}),
            "{l}"
        );
        let others = sheet(&[("GD-FS-LAB1", "0.186"), ("GD-DG-LAB1", "0.25")]);
        let r = import(&gd, id, others.clone(), "").await;
        assert_eq!(
            r.field_code("note").as_deref(),
            Some("required"),
            "{l}: {}",
            r.text
        );
        let r = import(&gd, id, others, "实验室纸质报送，由提供者录入").await;
        assert_eq!(
            (r.status, &r.body),
            (200, &json!({"stored": 2})),
            "{l}: {}",
            r.text
        );
        assert_eq!(get_round(&gd, id).await.body["submitted"], 3, "{l}");

        // The evaluation carries both studies' uncertainties into u(x_pt).
        let r = evaluate(&gd, id, m[0], "0.19", "0.001", "0.02807").await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let o = &r.body["outcome"];
        let want = (0.001f64.powi(2) + u_hom.powi(2) + u_stab.powi(2)).sqrt();
        assert!(
            (o["u_assigned"].as_f64().unwrap() - want).abs() < 1e-12,
            "{l}: u(x_pt) {} vs {want}",
            o["u_assigned"]
        );
        assert_eq!(o["method"]["u_hom"], u_hom.to_string(), "{l}");
        assert_eq!(o["method"]["u_stab"], u_stab.to_string(), "{l}");
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        // Participation by city: each of the three cities' lab took part and reported.
        let r = viewer
            .get(&format!("/api/v1/pt/rounds/{id}/participation"))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let cities: BTreeMap<&str, (i64, i64, i64)> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["city"].as_str().unwrap(),
                    (
                        c["eligible"].as_i64().unwrap(),
                        c["enrolled"].as_i64().unwrap(),
                        c["reported"].as_i64().unwrap(),
                    ),
                )
            })
            .collect();
        assert_eq!(
            cities,
            BTreeMap::from([
                ("东莞市市场监督管理局", (1, 1, 1)),
                ("广州市市场监督管理局", (1, 1, 1)),
                ("佛山市市场监督管理局", (1, 1, 1)),
            ]),
            "{l}"
        );
        assert_eq!(
            lab.get(&format!("/api/v1/pt/rounds/{id}/participation"))
                .await
                .status,
            404,
            "{l}"
        );

        // The lab's history: this round's score; its city bureau sees it, another lab not.
        let history = format!("/api/v1/pt/labs/{}/history", ids["GD-GZ-LAB1"]);
        let r = lab.get(&history).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let series = &r.body["series"]["汞 (Hg)"];
        assert_eq!(
            (
                series[0]["round_code"].as_str(),
                series[0]["class"].as_str(),
                series[0]["score_kind"].as_str()
            ),
            (Some("GDPT-2022-51"), Some("satisfactory"), Some("z")),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            (r.body["pass_rate"].as_f64(), &r.body["rate_rounds"]),
            (Some(1.0), &json!(["GDPT-2022-51"])),
            "{l}"
        );
        let gdgz = app.login("gdgz.organiser", PASSWORD).await;
        assert_eq!(gdgz.get(&history).await.status, 200, "{l}");
        assert_eq!(fs.get(&history).await.status, 404, "{l}");

        // The round report for the participants; the letters for the provider.
        for c in [&gd, &lab] {
            let r = c.get(&format!("/api/v1/pt/rounds/{id}/report.pdf")).await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            assert!(r.text.starts_with("%PDF"), "{l}");
        }
        let sz = demo_login(&app, "gdsz.viewer").await;
        let r = sz.get(&format!("/api/v1/pt/rounds/{id}/report.pdf")).await;
        assert_eq!(r.status, 404, "{l}: {}", r.text);
        let zip = gd.get(&format!("/api/v1/pt/rounds/{id}/letters.zip")).await;
        assert_eq!(zip.status, 200, "{l}: {}", zip.text);
        assert_eq!(zip.headers["content-type"], "application/zip", "{l}");
        assert!(zip.text.starts_with("PK"), "{l}");
        let r = lab
            .get(&format!("/api/v1/pt/rounds/{id}/letters.zip"))
            .await;
        assert_eq!(r.status, 404, "{l}");
        app.finish().await;
    }
}
