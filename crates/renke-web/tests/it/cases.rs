//! Case collections (案例征集): Guangdong's organiser calls for cases from the units under
//! it with two criteria and a panel of two (one at the province, one at Shenzhen); the
//! Shenzhen bureau and the Shenzhen lab submit, Guangzhou withdraws; after the deadline the
//! review opens and the panel is told; the Shenzhen reviewer may not score Shenzhen's case
//! (a conflict of interest) and a conflicted sheet does not count in the ranking; the
//! organiser selects, the units are told, and the published collection has a public page,
//! a booklet and a zip of its files.

use crate::support::{Client, PASSWORD, Resp, TestApp, password_hash, t0};
use renke_domain::perm::Role;
use renke_store::accounts::NewAccount;
use reqwest::Method;
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

/// An account with an e-mail address (`<login>@example.cn`).
async fn account(app: &TestApp, login: &str, role: Role, org: &str) -> i64 {
    let new = NewAccount {
        login: renke_domain::account::Login::parse("login", login).unwrap(),
        display_name: format!("测试{login}"),
        org_code: org.to_owned(),
        role,
        email: Some(format!("{login}@example.cn")),
        phone: None,
        password_hash: password_hash().await,
    };
    renke_store::accounts::create(app.db(), &new, t0())
        .await
        .unwrap()
        .id
}

async fn submit_case(c: &Client, call: i64, title: &str, submit: bool, file: Option<&str>) -> Resp {
    let fields = [
        ("title", title.to_owned()),
        ("summary", "以数字化手段缩短检测周期。".to_owned()),
        ("body", "一、背景\n二、做法\n三、成效".to_owned()),
        ("submit", if submit { "1" } else { "" }.to_owned()),
    ];
    let files: Vec<(&str, &[u8])> = file.map(|f| (f, PDF)).into_iter().collect();
    c.multipart(
        &format!("/api/v1/publicity/cases/{call}/submissions"),
        &fields,
        &files,
    )
    .await
}

async fn score(c: &Client, case: i64, points: Value) -> Resp {
    c.put(
        &format!("/api/v1/publicity/cases/submissions/{case}/scores"),
        json!({ "scores": points }),
    )
    .await
}

async fn step(c: &Client, id: i64, s: &str) -> Resp {
    c.post(
        &format!("/api/v1/publicity/cases/submissions/{id}/step"),
        json!({ "step": s }),
    )
    .await
}

async fn raw(c: &Client, path: &str) -> (u16, String, Vec<u8>) {
    let res = c.request(Method::GET, path).send().await.unwrap();
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, kind, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_call_is_scored_by_its_panel_without_conflicts_and_published() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let tree = app.tree().await;
        account(&app, "gd.org", Role::Organiser, "GD").await;
        let gd_expert = account(&app, "gd.expert", Role::Staff, "GD").await;
        let sz_expert = account(&app, "sz.expert", Role::Staff, "GD-SZ").await;
        account(&app, "sz.staff", Role::Staff, "GD-SZ").await;
        account(&app, "gz.staff", Role::Staff, "GD-GZ").await;
        account(&app, "lab.staff", Role::Staff, "LAB-SZ").await;
        account(&app, "sh.staff", Role::Staff, "SH-PD").await;
        let org = app.login("gd.org", PASSWORD).await;
        let gd_x = app.login("gd.expert", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let lab = app.login("lab.staff", PASSWORD).await;
        let sh = app.login("sh.staff", PASSWORD).await;
        let anon = app.anonymous();

        // The call: bad fields are named; a city cannot open one for the province.
        let mut fields = vec![
            ("title", "2022年度广东省检验检测创新案例征集".to_owned()),
            (
                "description",
                "征集本省检验检测机构服务发展的创新案例。".to_owned(),
            ),
            ("deadline", "2022-04-30 17:00".to_owned()),
            ("criteria", "创新性 0".to_owned()),
            ("scope_org_id", tree.gd.to_string()),
            ("kinds", String::new()),
            ("panel", String::new()),
        ];
        let r = org.multipart("/api/v1/publicity/cases", &fields, &[]).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.fields(), vec!["deadline", "criteria", "panel"], "{l}");
        assert_eq!(
            r.field_code("criteria").as_deref(),
            Some("criterion_points"),
            "{l}"
        );
        fields[2].1 = "2022-05-20 17:00".to_owned();
        fields[3].1 = "创新性 60\n示范性 40".to_owned();
        fields[6].1 = format!("{gd_expert},{sz_expert}");
        let r = sz.multipart("/api/v1/publicity/cases", &fields, &[]).await;
        assert_eq!(r.status, 403, "{l}: {}", r.text);
        let r = org
            .multipart("/api/v1/publicity/cases", &fields, &[("征集模板.pdf", PDF)])
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let call = r.body["id"].as_i64().unwrap();
        assert_eq!(
            r.body["criteria"][1],
            json!({"name": "示范性", "max": 40}),
            "{l}"
        );
        let (status, kind, _) =
            raw(&lab, &format!("/api/v1/publicity/cases/{call}/template")).await;
        assert_eq!((status, kind.as_str()), (200, "application/pdf"), "{l}");

        // Units under Guangdong submit; Shanghai is outside the call.
        let r = submit_case(&lab, call, "检测报告全程电子化", true, Some("案例材料.pdf")).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let lab_case = r.body["id"].as_i64().unwrap();
        let r = submit_case(&sz, call, "“一站式”检验检测服务平台", false, None).await;
        assert_eq!(
            (r.status, r.body["state"].as_str()),
            (201, Some("draft")),
            "{l}"
        );
        let sz_case = r.body["id"].as_i64().unwrap();
        let r = step(&sz, sz_case, "submit").await;
        assert_eq!(
            (r.status, r.body["case"]["state"].as_str()),
            (200, Some("submitted")),
            "{l}: {}",
            r.text
        );
        let r = submit_case(&gz, call, "广州案例", true, None).await;
        let gz_case = r.body["id"].as_i64().unwrap();
        assert_eq!(step(&gz, gz_case, "withdraw").await.status, 200, "{l}");
        let r = submit_case(&sh, call, "上海案例", true, None).await;
        assert_eq!(r.status, 404, "{l}: {}", r.text);
        let r = submit_case(&lab, call, "", true, None).await;
        assert_eq!(r.fields(), vec!["title"], "{l}");
        // Another unit cannot withdraw the lab's case.
        assert_eq!(step(&gz, lab_case, "withdraw").await.status, 404, "{l}");

        // Before the deadline the review cannot open, and no one scores yet (the provincial
        // reviewer reads the lab's case as its superior, so it is told why).
        let r = org
            .post(&format!("/api/v1/publicity/cases/{call}/review"), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (409, "call_still_open"), "{l}");
        let r = score(&gd_x, lab_case, json!([1, 1])).await;
        assert_eq!((r.status, r.code()), (409, "review_not_open"), "{l}");

        // After the deadline nothing more is submitted; the review opens and the panel is
        // told by e-mail.
        app.clock.advance(chrono::Duration::days(20));
        // Twenty days on, everyone signs in again (sessions have expired).
        let org = app.login("gd.org", PASSWORD).await;
        let gd_x = app.login("gd.expert", PASSWORD).await;
        let sz_x = app.login("sz.expert", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let lab = app.login("lab.staff", PASSWORD).await;
        let r = submit_case(&lab, call, "迟到的案例", true, None).await;
        assert_eq!((r.status, r.code()), (409, "call_closed"), "{l}");
        let r = org
            .post(&format!("/api/v1/publicity/cases/{call}/review"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["reviewable"].as_array().unwrap().len(), 2, "{l}");
        app.run_jobs().await;
        let mut to: Vec<String> = app.mails().iter().flat_map(|m| m.to.clone()).collect();
        to.sort();
        assert_eq!(
            to,
            vec!["gd.expert@example.cn", "sz.expert@example.cn"],
            "{l}"
        );
        assert!(app.mails()[0].subject.contains("【案例评审】"), "{l}");

        // The Shenzhen reviewer sees that it is in conflict with Shenzhen's case and is
        // refused; it scores the lab below Shenzhen (supervising is no conflict).
        let r = sz_x.get(&format!("/api/v1/publicity/cases/{call}")).await;
        let conflicts: Vec<(i64, bool)> = r.body["reviewable"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["case"]["id"].as_i64().unwrap(),
                    x["conflict"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(conflicts, vec![(lab_case, false), (sz_case, true)], "{l}");
        let p = sz_x
            .get(&format!("/publicity/cases/submissions/{sz_case}"))
            .await;
        assert_eq!(p.status, 200, "{l}: {}", p.text);
        assert!(p.text.contains("存在利益冲突，您不参与评分"), "{l}");
        let p = gd_x
            .get(&format!("/publicity/cases/submissions/{sz_case}"))
            .await;
        assert!(p.text.contains("name=\"scores\""), "{l}");
        let r = score(&sz_x, sz_case, json!([60, 40])).await;
        assert_eq!(
            (r.status, r.code()),
            (409, "conflict_of_interest"),
            "{l}: {}",
            r.text
        );
        let r = score(&sz_x, lab_case, json!([50, 30])).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["my_points"], json!([50, 30]), "{l}");
        // Points stay within each criterion and name their field.
        let r = score(&gd_x, lab_case, json!([61, ""])).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        let r = score(&gd_x, lab_case, json!("61,")).await;
        assert_eq!(r.fields(), vec!["score_0", "score_1"], "{l}");
        assert_eq!(
            r.field_code("score_0").as_deref(),
            Some("score_out_of_range"),
            "{l}"
        );
        assert_eq!(
            score(&gd_x, lab_case, json!([60, 40])).await.status,
            200,
            "{l}"
        );
        assert_eq!(
            score(&gd_x, sz_case, json!([40, 30])).await.status,
            200,
            "{l}"
        );
        // A unit off the panel does not score.
        assert_eq!(
            score(&org, lab_case, json!([1, 1])).await.status,
            403,
            "{l}"
        );

        // A sheet by a reviewer in conflict (say, written before its account moved) is left
        // out of the ranking: Shenzhen's average is the province's 70 alone.
        renke_store::cases::save_scores(app.db(), sz_case, sz_expert, &[60, 40], t0())
            .await
            .unwrap();
        let r = org
            .get(&format!("/api/v1/publicity/cases/{call}/ranking"))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let rows = r.body["rows"].as_array().unwrap();
        let got: Vec<(i64, f64, u64, u64)> = rows
            .iter()
            .map(|x| {
                (
                    x["case"]["id"].as_i64().unwrap(),
                    x["average"].as_f64().unwrap(),
                    x["counted"].as_u64().unwrap(),
                    x["excluded"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![(lab_case, 90.0, 2, 0), (sz_case, 70.0, 1, 1)],
            "{l}"
        );
        assert_eq!(rows[1]["by_criterion"], json!([40.0, 30.0]), "{l}");
        assert_eq!(
            gd_x.get(&format!("/api/v1/publicity/cases/{call}/ranking"))
                .await
                .status,
            403,
            "{l}"
        );

        // Selection: the lab's case; both units are told.
        let r = org
            .post(
                &format!("/api/v1/publicity/cases/{call}/selection"),
                json!({"selected": gz_case.to_string()}),
            )
            .await;
        assert_eq!(
            r.field_code("selected").as_deref(),
            Some("unknown_value"),
            "{l}"
        );
        let r = org
            .post(
                &format!("/api/v1/publicity/cases/{call}/selection"),
                json!({"selected": lab_case.to_string()}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.run_jobs().await;
        let told: Vec<(String, String)> = app
            .mails()
            .iter()
            .skip(2)
            .map(|m| (m.to[0].clone(), m.subject.clone()))
            .collect();
        assert_eq!(told.len(), 2, "{l}: {told:?}");
        assert!(
            told.iter()
                .any(|(to, s)| to == "lab.staff@example.cn" && s.contains("已入选")),
            "{l}"
        );
        assert!(
            told.iter()
                .any(|(to, s)| to == "sz.staff@example.cn" && s.contains("未入选")),
            "{l}"
        );

        // Search: a submitted case is found by those who read it (the organiser of the
        // province above the lab), not by a sibling city's staff, until the collection is
        // published; its link opens only for those who read it.
        let found = async |c: &Client| -> Vec<i64> {
            let r = c
                .get("/api/v1/search?q=%E6%A3%80%E6%B5%8B%E6%8A%A5%E5%91%8A%E5%85%A8%E7%A8%8B%E7%94%B5%E5%AD%90%E5%8C%96")
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            r.body["hits"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| h["kind"] == "case")
                .map(|h| h["id"].as_i64().unwrap())
                .collect()
        };
        assert_eq!(found(&org).await, vec![lab_case], "{l}");
        assert_eq!(found(&gz).await, Vec::<i64>::new(), "{l}");
        assert_eq!(
            anon.get(&format!("/cases/{lab_case}")).await.status,
            404,
            "{l}"
        );

        // Not public before publication; then the collection, booklet and zip are.
        let col = format!("/api/v1/publicity/cases/{call}/collection");
        assert_eq!(anon.get(&col).await.status, 404, "{l}");
        let r = org
            .post(
                &format!("/api/v1/publicity/cases/{call}/publish"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = org
            .post(
                &format!("/api/v1/publicity/cases/{call}/publish"),
                json!({}),
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "collection_published"), "{l}");
        assert_eq!(found(&gz).await, vec![lab_case], "{l}");
        let p = anon.get(&format!("/cases/{lab_case}")).await;
        assert_eq!(p.status, 200, "{l}");
        assert!(p.text.contains(&format!("id=\"case-{lab_case}\"")), "{l}");
        let r = anon.get(&col).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let cases = r.body["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 1, "{l}");
        assert_eq!(cases[0]["case"]["title"], "检测报告全程电子化", "{l}");
        let file_url = cases[0]["files"][0]["url"].as_str().unwrap().to_owned();
        let (status, _, bytes) = raw(&anon, &file_url).await;
        assert_eq!((status, bytes.as_slice()), (200, PDF), "{l}");
        let (status, kind, pdf) =
            raw(&anon, &format!("/api/v1/publicity/cases/{call}/booklet")).await;
        assert_eq!((status, kind.as_str()), (200, "application/pdf"), "{l}");
        assert!(pdf.starts_with(b"%PDF"), "{l}");
        let (status, kind, zip) =
            raw(&anon, &format!("/api/v1/publicity/cases/{call}/files")).await;
        assert_eq!((status, kind.as_str()), (200, "application/zip"), "{l}");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        assert_eq!(
            names,
            vec!["01-深圳市计量质量检测研究院-案例材料.pdf"],
            "{l}"
        );
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_index(0).unwrap(), &mut content).unwrap();
        assert_eq!(content, PDF, "{l}");
        // After publication the scores are final.
        let r = score(&gd_x, lab_case, json!([1, 1])).await;
        assert_eq!((r.status, r.code()), (409, "collection_published"), "{l}");

        // The pages: the list, the call, the case with its score grid, the ranking and the
        // public collection.
        let p = org.get("/publicity/cases").await;
        assert_eq!(p.status, 200, "{l}");
        assert!(p.text.contains("2022年度广东省检验检测创新案例征集"), "{l}");
        let p = org.get(&format!("/publicity/cases/{call}")).await;
        assert_eq!(p.status, 200, "{l}: {}", p.text);
        let p = org.get(&format!("/publicity/cases/{call}/ranking")).await;
        assert_eq!(p.status, 200, "{l}: {}", p.text);
        assert!(p.text.contains("检测报告全程电子化"), "{l}");
        let p = anon
            .get(&format!("/publicity/cases/{call}/collection"))
            .await;
        assert_eq!(p.status, 200, "{l}: {}", p.text);
        assert!(
            p.text.contains("检测报告全程电子化") && !p.text.contains("“一站式”检验检测服务平台"),
            "{l}"
        );
        app.finish().await;
    }
}
