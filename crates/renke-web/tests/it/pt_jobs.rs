//! Evaluation of a large round as a background job (queued, refused meanwhile, run by the
//! worker to the same scores as the direct path, a failed run that leaves no version),
//! and re-evaluation after release: the lab keeps the released version, the difference
//! lists what changes, and releasing the revision shows it to the lab and opens the
//! follow-ups it newly calls for, never twice.

use crate::api_docs::assert_conforms;
use crate::pages::{form_login, get, post};
use crate::pt_pages::{LABS, caller, codes, fixture, round_in_testing};
use crate::support::{Client, PASSWORD, Resp, TestApp};
use renke_app::pt::{Evaluated, EvaluationForm, ResultInput, ResultsForm};
use renke_web::WebConfig;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Insulation resistance (MΩ) as the fixture's five labs measured it.
const VALUES: [&str; 5] = ["52.3", "50.8", "51.6", "49.9", "53.0"];

/// One app per backend that evaluates measurands of more than `threshold` submitted
/// results in the background.
async fn apps(threshold: usize) -> Vec<TestApp> {
    let mut out = Vec::new();
    for db in renke_store::testing::backends().await {
        out.push(
            TestApp::spawn_mapped(db, WebConfig::default(), move |a| {
                a.with_pt_job_threshold(threshold)
            })
            .await,
        );
    }
    out
}

/// Each lab of the fixture saves and submits its value of `values` for measurand `m`.
async fn submit(app: &TestApp, m: i64, enrolments: &[i64], values: &[&str]) {
    for (i, e) in enrolments.iter().enumerate() {
        let me = caller(app, LABS[i].3).await;
        let f = ResultsForm {
            results: vec![ResultInput {
                measurand_id: m,
                value: values[i].into(),
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
}

/// Evaluates measurand `m` against the reference value `x` with the prescribed σpt `sigma`.
async fn evaluate(gd: &Client, round: i64, m: i64, x: &str, sigma: &str) -> Resp {
    gd.post(
        &format!("/api/v1/pt/rounds/{round}/evaluations"),
        json!({"measurand_id": m, "assigned": "reference", "assigned_value": x,
               "sigma": "fixed", "sigma_value": sigma}),
    )
    .await
}

/// The lab's outcome for its one measurand: (z, class, x_pt, σpt).
async fn lab_sees(lab: &Client, enrolment: i64) -> (f64, String, f64, f64) {
    let r = lab
        .get(&format!("/api/v1/pt/enrolments/{enrolment}/outcomes"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let o = &r.body["outcomes"][0];
    (
        o["row"]["z"].as_f64().unwrap(),
        o["row"]["class"].as_str().unwrap().to_owned(),
        o["assigned"].as_f64().unwrap(),
        o["sigma_pt"].as_f64().unwrap(),
    )
}

/// The round's follow-ups as the provider lists them: class by lab name.
async fn followups(gd: &Client, round: i64) -> BTreeMap<String, String> {
    let r = gd
        .get(&format!("/api/v1/pt/followups?round_id={round}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["lab_name"].as_str().unwrap().to_owned(),
                f["class"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The scores stored for an evaluation: (enrolment, kind, score, class, z, ζ, En, late).
type StoredScore = (
    i64,
    String,
    Option<f64>,
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    bool,
);

async fn stored_scores(app: &TestApp, evaluation: i64) -> Vec<StoredScore> {
    renke_store::pt::scores(app.db(), evaluation)
        .await
        .unwrap()
        .into_iter()
        .map(|s| {
            (
                s.enrolment_id,
                s.score_kind,
                s.score,
                s.class,
                s.z,
                s.zeta,
                s.en,
                s.late,
            )
        })
        .collect()
}

/// A measurand of more results than the threshold is queued (202 with the run); while the
/// run waits the measurand is not evaluated again and the round not released (on the API
/// and the page), the evaluation page shows the run's progress bar and polls it, and a lab
/// sees no run; the worker completes it, and the evaluation holds the same outcome and
/// scores as the direct path gives; then the round releases.
#[tokio::test]
async fn a_large_round_is_evaluated_in_the_background() {
    for app in apps(3).await {
        let l = app.label();
        fixture(&app).await;
        let (round, m, enrolments) = round_in_testing(&app).await;
        submit(&app, m, &enrolments, &VALUES).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let gd = app.login("gd.org", PASSWORD).await;
        let evaluations = format!("/api/v1/pt/rounds/{round}/evaluations");
        let form = json!({"measurand_id": m, "assigned": "algorithm_a", "sigma": "robust"});

        // Bad options are refused at once, not queued.
        let r = gd
            .post(
                &evaluations,
                json!({"measurand_id": m, "assigned": "reference", "sigma": "robust"}),
            )
            .await;
        assert_eq!(
            r.field_code("assigned_value").as_deref(),
            Some("required"),
            "{l}: {}",
            r.text
        );

        let r = gd.post(&evaluations, form.clone()).await;
        assert_eq!(r.status, 202, "{l}: {}", r.text);
        assert_conforms(&doc, "post", "/api/v1/pt/rounds/{id}/evaluations", &r);
        assert_eq!(
            (
                r.body["status"].as_str(),
                r.body["stage"].as_str(),
                r.body["done"].as_i64(),
                r.body["total"].as_i64(),
                r.body["evaluation_id"].is_null(),
                r.body["options"]["assigned"].as_str(),
            ),
            (
                Some("queued"),
                Some("queued"),
                Some(0),
                Some(5),
                true,
                Some("algorithm_a")
            ),
            "{l}: {}",
            r.text
        );
        let run = r.body["id"].as_i64().unwrap();
        let run_path = format!("/api/v1/pt/rounds/{round}/evaluation-runs/{run}");
        let r = gd.get(&run_path).await;
        assert_eq!(
            (r.status, r.body["status"].as_str()),
            (200, Some("queued")),
            "{l}"
        );
        assert_conforms(
            &doc,
            "get",
            "/api/v1/pt/rounds/{id}/evaluation-runs/{run}",
            &r,
        );
        let r = gd
            .get(&format!("/api/v1/pt/rounds/{round}/evaluation-runs"))
            .await;
        assert_eq!(r.body.as_array().map(Vec::len), Some(1), "{l}: {}", r.text);
        assert_conforms(&doc, "get", "/api/v1/pt/rounds/{id}/evaluation-runs", &r);
        assert!(
            renke_store::pt::evaluations(app.db(), round)
                .await
                .unwrap()
                .is_empty(),
            "{l}: nothing evaluated before the worker runs"
        );

        // Meanwhile: no second evaluation of the measurand, no release.
        let r = gd.post(&evaluations, form.clone()).await;
        assert_eq!((r.status, r.code()), (409, "evaluation_running"), "{l}");
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{round}/release"), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (409, "evaluation_running"), "{l}");

        // The page: the run with its progress bar, polled while it waits; release refused
        // with its message.
        let (c, token) = form_login(&app, "gd.org").await;
        let eval = format!("/pt/rounds/{round}/evaluation");
        let (status, _, html) = get(&c, &app, &eval).await;
        assert_eq!(status, 200, "{l}");
        for text in [
            &format!("id=\"run-{m}\""),
            &format!("<progress id=\"run-progress-{m}\" max=\"5\" value=\"0\">"),
            "排队中",
            "等待开始",
            "已写入 0 / 5 行",
            "hx-trigger=\"every 3s\"",
            &format!("hx-select=\"#run-{m}\""),
            "后台评价记录",
        ] {
            assert!(html.contains(text), "{l}: {text} on the evaluation page");
        }
        let (status, _, html) =
            post(&c, &app, &format!("{eval}/release"), &[("_csrf", &token)]).await;
        assert_eq!(status, 409, "{l}");
        assert!(
            html.contains("本轮有评价正在后台计算，请等计算完成后再操作。"),
            "{l}: {html}"
        );
        // A lab sees no run.
        let la = app.login(LABS[0].3, PASSWORD).await;
        assert_eq!(la.get(&run_path).await.status, 404, "{l}");
        let r = la
            .get(&format!("/api/v1/pt/rounds/{round}/evaluation-runs"))
            .await;
        assert_eq!(r.status, 404, "{l}");

        // The worker runs it to the end.
        let pass = app.run_jobs().await;
        assert_eq!((pass.done, pass.failed), (1, 0), "{l}");
        let r = gd.get(&run_path).await;
        assert_eq!(
            (
                r.body["status"].as_str(),
                r.body["stage"].as_str(),
                r.body["done"].as_i64(),
                r.body["total"].as_i64(),
                r.body["error"].is_null(),
            ),
            (Some("done"), Some("done"), Some(5), Some(5), true),
            "{l}: {}",
            r.text
        );
        let queued_id = r.body["evaluation_id"].as_i64().unwrap();
        let r = gd.get(&evaluations).await;
        assert_conforms(&doc, "get", "/api/v1/pt/rounds/{id}/evaluations", &r);
        let me = &r.body[0];
        assert_eq!(
            (
                me["latest"]["id"].as_i64(),
                me["latest"]["version"].as_i64(),
                me["runs"][0]["id"].as_i64(),
                me["runs"][0]["status"].as_str(),
                me["diff"].is_null(),
            ),
            (Some(queued_id), Some(1), Some(run), Some("done"), true),
            "{l}: {}",
            r.text
        );
        let rows = me["latest"]["outcome"]["rows"].as_array().unwrap();
        let mut shown: Vec<&str> = rows
            .iter()
            .map(|r| r["sample_code"].as_str().unwrap())
            .collect();
        shown.sort_unstable();
        let mut expected = codes(&app, round, &enrolments).await;
        expected.sort();
        assert_eq!(shown, expected, "{l}");
        let (_, _, html) = get(&c, &app, &eval).await;
        assert!(
            html.contains("评价已完成，刷新页面查看新版本。")
                && html.contains("已写入 5 / 5 行")
                && !html.contains("hx-trigger=\"every 3s\""),
            "{l}: the finished run, no longer polled"
        );

        // The direct path on the same results gives the same outcome and scores.
        let direct = app.state.app.clone().with_pt_job_threshold(usize::MAX);
        let provider = caller(&app, "gd.org").await;
        let f = EvaluationForm {
            measurand_id: m,
            assigned: "algorithm_a".into(),
            sigma: "robust".into(),
            ..Default::default()
        };
        let done = renke_app::pt::evaluate(&direct, &provider, round, &f)
            .await
            .unwrap();
        let Evaluated::Evaluation(direct_id) = done else {
            panic!("{l}: evaluated at once: {done:?}")
        };
        let stored = renke_store::pt::evaluations(app.db(), round).await.unwrap();
        let outcome = |id: i64| -> Value {
            let e = stored.iter().find(|e| e.id == id).unwrap();
            serde_json::from_str(&e.outcome).unwrap()
        };
        assert_eq!(outcome(queued_id), outcome(direct_id), "{l}");
        let scores = stored_scores(&app, queued_id).await;
        assert_eq!(scores.len(), 5, "{l}");
        assert_eq!(scores, stored_scores(&app, direct_id).await, "{l}");

        // With no run under way the round releases.
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{round}/release"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.finish().await;
    }
}

/// A run the statistics refuse (every lab reported the same value: zero spread) fails with
/// the statistics' message, leaves no version behind, shows its error on the page, and
/// does not hold up the round: its release asks for an evaluation, not for the run.
#[tokio::test]
async fn a_failed_background_run_leaves_no_version() {
    for app in apps(3).await {
        let l = app.label();
        fixture(&app).await;
        let (round, m, enrolments) = round_in_testing(&app).await;
        submit(&app, m, &enrolments, &["50.0"; 5]).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post(
                &format!("/api/v1/pt/rounds/{round}/evaluations"),
                json!({"measurand_id": m, "assigned": "algorithm_a", "sigma": "robust"}),
            )
            .await;
        assert_eq!(r.status, 202, "{l}: {}", r.text);
        let run = r.body["id"].as_i64().unwrap();
        let pass = app.run_jobs().await;
        assert_eq!(
            (pass.done, pass.failed),
            (1, 0),
            "{l}: a refused run is not retried"
        );
        let r = gd
            .get(&format!("/api/v1/pt/rounds/{round}/evaluation-runs/{run}"))
            .await;
        assert_eq!(
            (
                r.body["status"].as_str(),
                r.body["error_code"].as_str(),
                r.body["evaluation_id"].is_null()
            ),
            (Some("failed"), Some("statistics_failed"), true),
            "{l}: {}",
            r.text
        );
        assert!(
            r.body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{l}: the statistics' message: {}",
            r.text
        );
        assert!(
            renke_store::pt::evaluations(app.db(), round)
                .await
                .unwrap()
                .is_empty(),
            "{l}: no version left"
        );
        let (c, _) = form_login(&app, "gd.org").await;
        let (_, _, html) = get(&c, &app, &format!("/pt/rounds/{round}/evaluation")).await;
        assert!(
            html.contains(&format!("id=\"run-error-{m}\"")) && html.contains("无法计算："),
            "{l}: the run's error on the page"
        );
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{round}/release"), json!({}))
            .await;
        assert_eq!(
            (r.status, r.field_code("measurand_id").as_deref()),
            (422, Some("not_evaluated")),
            "{l}: {}",
            r.text
        );
        app.finish().await;
    }
}

/// Re-evaluation after release: the new version is stored beside the released one and the
/// lab keeps seeing the released one; the difference (API and page) lists each lab's score
/// and class in both with x_pt and σpt old and new; a lab neither sees it nor releases it;
/// 发布修订版本 shows the lab the new version and opens the follow-ups it newly calls for,
/// and a later revision never opens one twice.
#[tokio::test]
async fn a_revision_after_release_shows_its_difference_and_is_released() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        fixture(&app).await;
        let (round, m, enrolments) = round_in_testing(&app).await;
        submit(&app, m, &enrolments, &VALUES).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let gd = app.login("gd.org", PASSWORD).await;
        let la = app.login(LABS[0].3, PASSWORD).await;
        let diff_path = format!("/api/v1/pt/rounds/{round}/measurands/{m}/evaluation-diff");
        let revision = format!("/api/v1/pt/rounds/{round}/measurands/{m}/release-revision");

        // Version 1: x_pt 51.4, σpt 2 — every lab satisfactory.
        assert_eq!(
            evaluate(&gd, round, m, "51.4", "2").await.status,
            201,
            "{l}"
        );
        let r = gd.post(&revision, json!({})).await;
        assert_eq!((r.status, r.code()), (409, "round_not_released"), "{l}");
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{round}/release"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert!(followups(&gd, round).await.is_empty(), "{l}");
        let r = gd.get(&diff_path).await;
        assert_eq!((r.status, r.code()), (409, "no_revision"), "{l}");
        let r = gd.post(&revision, json!({})).await;
        assert_eq!((r.status, r.code()), (409, "no_revision"), "{l}");
        let (z, class, x, sigma) = lab_sees(&la, enrolments[0]).await;
        assert!((z - 0.45).abs() < 1e-9, "{l}: {z}");
        assert_eq!(
            (class.as_str(), x, sigma),
            ("satisfactory", 51.4, 2.0),
            "{l}"
        );

        // Version 2 after release: σpt 0.4 — A questionable (2.25), D and E unsatisfactory
        // (−3.75, 4.0), B and C still satisfactory. The lab still sees version 1.
        let r = evaluate(&gd, round, m, "51.4", "0.4").await;
        assert_eq!(
            (
                r.status,
                r.body["version"].as_i64(),
                r.body["released"].as_bool()
            ),
            (201, Some(2), Some(false)),
            "{l}: {}",
            r.text
        );
        let (z, class, _, sigma) = lab_sees(&la, enrolments[0]).await;
        assert!((z - 0.45).abs() < 1e-9, "{l}: still version 1: {z}");
        assert_eq!((class.as_str(), sigma), ("satisfactory", 2.0), "{l}");

        // The difference, by sample code.
        let codes = codes(&app, round, &enrolments).await;
        let r = gd.get(&diff_path).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_conforms(
            &doc,
            "get",
            "/api/v1/pt/rounds/{id}/measurands/{measurand}/evaluation-diff",
            &r,
        );
        let d = &r.body;
        assert_eq!(
            (
                d["released"]["version"].as_i64(),
                d["revision"]["version"].as_i64(),
                d["released"]["sigma_pt"].as_f64(),
                d["revision"]["sigma_pt"].as_f64(),
                d["released"]["assigned"].as_f64(),
                d["revision"]["assigned"].as_f64(),
                d["changed"].as_i64(),
            ),
            (
                Some(1),
                Some(2),
                Some(2.0),
                Some(0.4),
                Some(51.4),
                Some(51.4),
                Some(3)
            ),
            "{l}: {d}"
        );
        let rows: BTreeMap<&str, (&str, &str, bool, bool)> = d["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["sample_code"].as_str().unwrap(),
                    (
                        r["released_class"].as_str().unwrap(),
                        r["new_class"].as_str().unwrap(),
                        r["changed"].as_bool().unwrap(),
                        r["opens_followup"].as_bool().unwrap(),
                    ),
                )
            })
            .collect();
        let want: BTreeMap<&str, (&str, &str, bool, bool)> = [
            ("satisfactory", "questionable", true, true),
            ("satisfactory", "satisfactory", false, false),
            ("satisfactory", "satisfactory", false, false),
            ("satisfactory", "unsatisfactory", true, true),
            ("satisfactory", "unsatisfactory", true, true),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, v)| (codes[i].as_str(), v))
        .collect();
        assert_eq!(rows, want, "{l}");
        let row_a = d["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["sample_code"] == codes[0].as_str())
            .unwrap();
        assert!(
            (row_a["released_score"].as_f64().unwrap() - 0.45).abs() < 1e-9
                && (row_a["new_score"].as_f64().unwrap() - 2.25).abs() < 1e-9,
            "{l}: {row_a}"
        );
        let r = gd
            .get(&format!("/api/v1/pt/rounds/{round}/evaluations"))
            .await;
        assert_eq!(
            r.body[0]["diff"]["changed"].as_i64(),
            Some(3),
            "{l}: the difference with the evaluations"
        );

        // A lab neither sees the difference nor releases the revision.
        assert_eq!(la.get(&diff_path).await.status, 404, "{l}");
        assert_eq!(la.post(&revision, json!({})).await.status, 404, "{l}");
        let (lc, lt) = form_login(&app, LABS[0].3).await;
        let (status, _, _) = post(
            &lc,
            &app,
            &format!("/pt/rounds/{round}/evaluation/revision"),
            &[("_csrf", &lt), ("measurand_id", &m.to_string())],
        )
        .await;
        assert_eq!(status, 404, "{l}");
        let (_, _, html) = get(&lc, &app, &format!("/pt/rounds/{round}/evaluation")).await;
        assert!(!html.contains("修订版本与已发布版本的差异"), "{l}");

        // The provider's page: the difference with the changed rows marked, and the button.
        let (c, token) = form_login(&app, "gd.org").await;
        let eval = format!("/pt/rounds/{round}/evaluation");
        let (_, _, html) = get(&c, &app, &eval).await;
        for text in [
            "修订版本与已发布版本的差异",
            "已发布第 1 版，最新为第 2 版，评价结论改变的机构 3 家。",
            &format!("id=\"diff-rows-{m}\""),
            &format!("id=\"release-revision-{m}\""),
            "发布修订版本",
            "将开启整改",
        ] {
            assert!(html.contains(text), "{l}: {text} on the evaluation page");
        }
        let table = &html[html.find(&format!("id=\"diff-rows-{m}\"")).unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        assert_eq!(
            table.matches("<tr class=\"changed\">").count(),
            3,
            "{l}: {table}"
        );

        // 发布修订版本 on the page: the lab sees version 2, with a follow-up; D and E too.
        let (status, location, html) = post(
            &c,
            &app,
            &format!("{eval}/revision"),
            &[("_csrf", &token), ("measurand_id", &m.to_string())],
        )
        .await;
        assert_eq!(status, 303, "{l}: {html}");
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(
            html.contains("已发布修订版本，新开启整改 3 项。"),
            "{l}: {html}"
        );
        assert!(!html.contains("修订版本与已发布版本的差异"), "{l}");
        let (z, class, _, sigma) = lab_sees(&la, enrolments[0]).await;
        assert!((z - 2.25).abs() < 1e-9, "{l}: {z}");
        assert_eq!((class.as_str(), sigma), ("questionable", 0.4), "{l}");
        let opened = BTreeMap::from([
            (LABS[0].2.to_owned(), "questionable".to_owned()),
            (LABS[3].2.to_owned(), "unsatisfactory".to_owned()),
            (LABS[4].2.to_owned(), "unsatisfactory".to_owned()),
        ]);
        assert_eq!(followups(&gd, round).await, opened, "{l}");
        let mine = la
            .get(&format!("/api/v1/pt/followups?round_id={round}"))
            .await;
        assert_eq!(
            mine.body.as_array().map(Vec::len),
            Some(1),
            "{l}: {}",
            mine.text
        );
        let r = gd.post(&revision, json!({})).await;
        assert_eq!((r.status, r.code()), (409, "no_revision"), "{l}");

        // Back to σpt 2 (every lab satisfactory) and then to 0.4 again: the follow-ups
        // already there are kept, none is opened twice.
        assert_eq!(
            evaluate(&gd, round, m, "51.4", "2").await.status,
            201,
            "{l}"
        );
        let r = gd.post(&revision, json!({})).await;
        assert_eq!(
            (
                r.status,
                r.body["version"].as_i64(),
                r.body["followups"].as_i64()
            ),
            (200, Some(3), Some(0)),
            "{l}: {}",
            r.text
        );
        assert_eq!(
            evaluate(&gd, round, m, "51.4", "0.4").await.status,
            201,
            "{l}"
        );
        let d = gd.get(&diff_path).await.body;
        let newly = d["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["opens_followup"] == true)
            .count();
        assert_eq!(newly, 3, "{l}: {d}");
        let r = gd.post(&revision, json!({})).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_conforms(
            &doc,
            "post",
            "/api/v1/pt/rounds/{id}/measurands/{measurand}/release-revision",
            &r,
        );
        assert_eq!(
            (r.body["version"].as_i64(), r.body["followups"].as_i64()),
            (Some(4), Some(0)),
            "{l}: {}",
            r.text
        );
        assert_eq!(followups(&gd, round).await, opened, "{l}");
        // Every version stays stored; the released ones are history.
        let stored = renke_store::pt::evaluations(app.db(), round).await.unwrap();
        assert_eq!(
            stored
                .iter()
                .map(|e| (e.version, e.released))
                .collect::<Vec<_>>(),
            vec![(1, true), (2, true), (3, true), (4, true)],
            "{l}"
        );
        app.finish().await;
    }
}
