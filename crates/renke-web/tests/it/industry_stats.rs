//! Industry statistics (行业统计): Shanghai's staff import a year's figures per institution
//! — a file with bad rows is refused as a whole, naming each row, column and problem, and
//! nothing is saved; a good file replaces the year in one go. The analysis aggregates by
//! sector, district and year. The 2021 report is written as a draft, shared with a
//! university (which reads that report's figures and nothing else), previewed as a PDF and
//! published on the campaign's public page with its figures frozen.

use crate::support::{Client, PASSWORD, Resp, TestApp, t0};
use renke_domain::import::Table;
use renke_domain::industry_stats::{COLUMNS, credit_code_check};
use renke_domain::org::{OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::orgs::NewOrg;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// A valid credit code whose body ends in `n`.
fn code(n: u32) -> String {
    let head = format!("91310000MA1K{n:05}");
    format!("{head}{}", credit_code_check(&head).unwrap())
}

/// `code` with a wrong check character.
fn wrong(code: &str) -> String {
    let last = if code.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &code[..17])
}

/// One row: name, code, kind, sector, district, revenue, staff, certificates, reports.
fn row(
    name: &str,
    code: &str,
    kind: &str,
    sector: &str,
    district: &str,
    nums: [&str; 4],
) -> Vec<String> {
    [
        name, code, kind, sector, district, nums[0], nums[1], nums[2], nums[3],
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

fn xlsx(rows: Vec<Vec<String>>) -> Vec<u8> {
    renke_render::table::write_xlsx(&Table {
        headers: COLUMNS.iter().map(|c| c.zh.to_owned()).collect(),
        rows,
    })
    .unwrap()
}

/// Three good institutions of 2021 in Pudong, Huangpu and Chongming.
fn good_2021() -> Vec<Vec<String>> {
    vec![
        row(
            "上海浦江检测技术有限公司",
            &code(1),
            "检验检测",
            "电子电器",
            "浦东新区",
            ["1250.5", "86", "0", "12000"],
        ),
        row(
            "上海申信认证有限公司",
            &code(2),
            "认证",
            "管理体系认证",
            "黄浦",
            ["800", "40", "3000", "0"],
        ),
        row(
            "上海崇明生态检测中心有限公司",
            &code(3),
            "检验检测",
            "环境监测",
            "崇明区",
            ["320", "25", "0", "4100"],
        ),
    ]
}

async fn import(c: &Client, year: &str, file: Vec<u8>) -> Resp {
    let form = Form::new()
        .text("year", year.to_owned())
        .part("file", Part::bytes(file).file_name("2021年度行业统计.xlsx"));
    c.send(
        c.request(Method::POST, "/api/v1/publicity/statistics/import")
            .multipart(form),
    )
    .await
}

/// (row, column, code) of every problem of a refusal.
fn problems(r: &Resp) -> Vec<(String, String, String)> {
    r.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["params"]["row"].as_str().unwrap_or("").to_owned(),
                f["params"]["column"].as_str().unwrap_or("").to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn p(row: &str, col: &str, code: &str) -> (String, String, String) {
    (row.to_owned(), col.to_owned(), code.to_owned())
}

/// The tree, a university under Shanghai, the accounts, and Shanghai's public campaign;
/// returns the campaign's id.
async fn setup(app: &TestApp) -> i64 {
    app.tree().await;
    let mut uni = NewOrg::new(
        OrgCode::parse("code", "SH-SJTU-ACEM").unwrap(),
        Some(OrgCode::parse("parent", "SH").unwrap()),
        "上海交通大学安泰经济与管理学院",
        OrgKind::University,
    );
    uni.short_name = Some("安泰经管学院".into());
    renke_store::orgs::create_many(app.db(), &[uni], t0())
        .await
        .unwrap();
    for (login, role, org) in [
        ("sh.org", Role::Organiser, "SH"),
        ("sh.staff", Role::Staff, "SH"),
        ("pd.org", Role::Organiser, "SH-PD"),
        ("gd.org", Role::Organiser, "GD"),
        ("uni.staff", Role::Staff, "SH-SJTU-ACEM"),
    ] {
        app.account(login, role, org).await;
    }
    let sh = app.login("sh.org", PASSWORD).await;
    let r = sh
        .post(
            "/api/v1/campaigns",
            json!({
                "title": "第十五个“世界认可日”上海活动",
                "edition": "15",
                "day": "2022-06-09",
                "owner_code": "SH",
                "public": true,
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
    r.body["id"].as_i64().unwrap()
}

fn total(v: &Value) -> (i64, f64) {
    (
        v["total"]["institutions"].as_i64().unwrap(),
        v["total"]["revenue"].as_f64().unwrap(),
    )
}

#[tokio::test]
async fn statistics_import_with_bad_rows_is_refused_and_a_good_file_replaces_the_year() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        setup(&app).await;
        let staff = app.login("sh.staff", PASSWORD).await;
        let pd = app.login("pd.org", PASSWORD).await;

        // A file with bad rows: refused as a whole, every problem named by row and column.
        let mut bad = good_2021();
        bad.insert(
            1,
            row(
                "上海外滩检测有限公司",
                &wrong(&code(4)),
                "实验室",
                "电子电器",
                "外滩区",
                ["-5", "12.5", "0", ""],
            ),
        );
        bad.push(row(
            "重复机构",
            &code(1),
            "认证",
            "其他",
            "徐汇区",
            ["1", "1", "1", "1"],
        ));
        let r = import(&staff, "2021", xlsx(bad)).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            problems(&r),
            vec![
                p("3", "统一社会信用代码", "stat_credit_code_check"),
                p("3", "机构类型", "stat_unknown_value"),
                p("3", "所在区", "stat_unknown_district"),
                p("3", "营业收入（万元）", "stat_negative"),
                p("3", "从业人员（人）", "stat_not_whole"),
                p("3", "出具报告（份）", "stat_required"),
                p("6", "统一社会信用代码", "stat_duplicate_code"),
            ],
            "{l}"
        );
        let msg = r.body["fields"][0]["message_zh"].as_str().unwrap();
        assert!(
            msg.contains("第 3 行") && msg.contains("校验位"),
            "{l}: {msg}"
        );
        // Nothing was saved.
        let o = staff.get("/api/v1/publicity/statistics").await;
        assert_eq!(o.status, 200, "{l}");
        assert_eq!(o.body["years"], json!([]), "{l}");
        // Missing columns and a missing year are refused too.
        let r = import(&staff, "", b"a,b\n1,2\n".to_vec()).await;
        assert_eq!(r.status, 422, "{l}");
        assert_eq!(r.field_code("year").as_deref(), Some("required"), "{l}");

        // A university keeps no statistics.
        let uni = app.login("uni.staff", PASSWORD).await;
        assert_eq!(
            import(&uni, "2021", xlsx(good_2021())).await.status,
            403,
            "{l}"
        );

        // The good file: three institutions.
        let r = import(&staff, "2021", xlsx(good_2021())).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(r.body["institutions"], 3, "{l}");
        let a = staff
            .get("/api/v1/publicity/statistics/analysis?year=2021")
            .await;
        assert_eq!(a.status, 200, "{l}: {}", a.text);
        let fig = &a.body["figures"];
        assert_eq!(total(fig), (3, 2370.5), "{l}");
        assert_eq!(fig["by_district"].as_array().unwrap().len(), 16, "{l}");
        assert_eq!(fig["by_district"][0]["key"], "黄浦区", "{l}");
        assert_eq!(fig["by_district"][0]["certificates"], 3000, "{l}");
        assert_eq!(fig["by_sector"][0]["key"], "电子电器", "{l}");
        assert_eq!(a.body["institutions"][1]["district"], "黄浦区", "{l}");
        assert_eq!(a.body["institutions"][1]["line"], 3, "{l}");
        // A district keeps its own statistics: Shanghai's are not among them.
        let own = pd.get("/api/v1/publicity/statistics/analysis").await;
        assert_eq!(own.status, 200, "{l}");
        assert_eq!(own.body["figures"], Value::Null, "{l}");
        assert_eq!(
            own.body["owner_name"], "上海市浦东新区市场监督管理局",
            "{l}"
        );

        // Another year for the trend, then 2021 again with two institutions: replaced.
        let r = import(&staff, "2020", xlsx(good_2021()[..1].to_vec())).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let r = import(&staff, "2021", xlsx(good_2021()[1..].to_vec())).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let a = staff.get("/api/v1/publicity/statistics/analysis").await;
        let fig = &a.body["figures"];
        assert_eq!(fig["year"], 2021, "{l}");
        assert_eq!(total(fig), (2, 1120.0), "{l}");
        let trend: Vec<(String, i64)> = fig["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["key"].as_str().unwrap().to_owned(),
                    t["institutions"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(trend, vec![("2020".into(), 1), ("2021".into(), 2)], "{l}");
        // A bad file for 2021 leaves the year as it was.
        let mut bad = good_2021();
        bad[0][5] = "一千".into();
        let r = import(&staff, "2021", xlsx(bad)).await;
        assert_eq!(
            problems(&r),
            vec![p("2", "营业收入（万元）", "stat_not_a_number")],
            "{l}"
        );
        let a = staff.get("/api/v1/publicity/statistics/analysis").await;
        assert_eq!(total(&a.body["figures"]), (2, 1120.0), "{l}");

        // The pages: the home lists the years, the analysis draws its charts.
        let page = staff.get("/publicity/statistics").await;
        assert_eq!(page.status, 200, "{l}");
        assert!(
            page.text.contains("2020") && page.text.contains("导入年度统计数据"),
            "{l}"
        );
        let page = staff.get("/publicity/statistics/analysis?year=2021").await;
        assert_eq!(page.status, 200, "{l}");
        assert!(
            page.text.contains("<svg") && page.text.contains("各区机构数量"),
            "{l}"
        );
        assert!(page.text.contains("上海申信认证有限公司"), "{l}");
        let t = staff.get("/publicity/statistics/template.xlsx").await;
        assert_eq!(t.status, 200, "{l}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_yearly_report_is_shared_with_a_university_and_published_on_the_campaign_page() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let staff = app.login("sh.staff", PASSWORD).await;
        let uni = app.login("uni.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let anon = app.anonymous();
        assert_eq!(
            import(&staff, "2021", xlsx(good_2021())).await.status,
            201,
            "{l}"
        );

        // The report's form is checked, the year must be imported.
        let r = staff
            .post(
                "/api/v1/publicity/statistics/reports",
                json!({"campaign_id": campaign.to_string(), "year": "2019", "title": ""}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.field_code("title").as_deref(), Some("required"), "{l}");
        let r = staff
            .post(
                "/api/v1/publicity/statistics/reports",
                json!({"campaign_id": campaign.to_string(), "year": "2019", "title": "2019年度"}),
            )
            .await;
        assert_eq!(
            r.field_code("year").as_deref(),
            Some("year_not_imported"),
            "{l}"
        );
        let r = staff
            .post(
                "/api/v1/publicity/statistics/reports",
                json!({
                    "campaign_id": campaign.to_string(),
                    "year": "2021",
                    "title": "2021年度检验检测认证行业发展情况",
                    "narrative": "一、总体情况\n2021年，全市检验检测认证行业保持增长。\n二、各区发展情况\n浦东新区机构最多。",
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["state"], "draft", "{l}");
        let url = format!("/api/v1/publicity/statistics/reports/{id}");

        // A draft: not for the public, nor the university, nor another province.
        assert_eq!(anon.get(&url).await.status, 404, "{l}");
        assert_eq!(uni.get(&url).await.status, 404, "{l}");
        assert_eq!(gd.get(&url).await.status, 404, "{l}");
        assert_eq!(anon.get(&format!("{url}/pdf")).await.status, 404, "{l}");

        // Shared with the university (a regulator is no partner): it reads this report's
        // figures, and still not the institutions' rows.
        let share = |code: &str, shared: &str| json!({"org_code": code, "shared": shared});
        let r = staff
            .post(&format!("{url}/shares"), share("SH-PD", "1"))
            .await;
        assert_eq!(
            r.field_code("org_code").as_deref(),
            Some("not_a_partner"),
            "{l}"
        );
        let r = uni
            .post(&format!("{url}/shares"), share("SH-SJTU-ACEM", "1"))
            .await;
        assert_eq!(r.status, 404, "{l}");
        let r = staff
            .post(&format!("{url}/shares"), share("SH-SJTU-ACEM", "1"))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            r.body["shared_with"][0]["org_name"], "上海交通大学安泰经济与管理学院",
            "{l}"
        );
        // The university is told, with a link to the report.
        let m = uni.get("/api/v1/me/messages").await;
        assert_eq!(m.status, 200, "{l}: {}", m.text);
        assert!(
            m.text
                .contains(&format!("/publicity/statistics/reports/{id}")),
            "{l}: {}",
            m.text
        );
        let r = uni.get(&url).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(total(&r.body["figures"]), (3, 2370.5), "{l}");
        assert_eq!(r.body["keeps"], false, "{l}");
        assert_eq!(r.body["shared_with"], json!([]), "{l}");
        assert_eq!(
            uni.get("/api/v1/publicity/statistics/analysis")
                .await
                .status,
            403,
            "{l}"
        );
        let o = uni.get("/api/v1/publicity/statistics").await;
        assert_eq!(o.body["shared_with_us"][0]["id"], id, "{l}");
        assert_eq!(o.body["years"], json!([]), "{l}");
        assert_eq!(
            uni.put(
                &url,
                json!({"campaign_id": campaign.to_string(), "year": "2021", "title": "改"})
            )
            .await
            .status,
            403,
            "{l}"
        );
        let page = uni
            .get(&format!("/publicity/statistics/reports/{id}"))
            .await;
        assert_eq!(page.status, 200, "{l}");
        assert!(
            page.text.contains("<svg") && !page.text.contains("name=\"narrative\""),
            "{l}"
        );

        // The preview PDF, for the university too.
        let res = uni
            .request(Method::GET, &format!("{url}/pdf"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{l}");
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{l}");

        // Published: frozen, on the campaign's public page, downloadable by anyone.
        let r = staff
            .post(&format!("{url}/publish"), json!({"publish": true}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["state"], "published", "{l}");
        let r = staff
            .post(&format!("{url}/publish"), json!({"publish": true}))
            .await;
        assert_eq!(r.code(), "report_published", "{l}");
        let r = staff
            .put(
                &url,
                json!({"campaign_id": campaign.to_string(), "year": "2021", "title": "改"}),
            )
            .await;
        assert_eq!(r.status, 409, "{l}");
        assert_eq!(
            import(&staff, "2021", xlsx(good_2021()[..1].to_vec()))
                .await
                .status,
            201,
            "{l}"
        );
        let r = anon.get(&url).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(total(&r.body["figures"]), (3, 2370.5), "{l}: frozen");
        let list = anon
            .get(&format!("/api/v1/publicity/campaigns/{campaign}/reports"))
            .await;
        assert_eq!(list.body[0]["id"], id, "{l}");
        let page = anon.get(&format!("/campaigns/{campaign}")).await;
        assert!(
            page.text.contains("2021年度检验检测认证行业发展情况"),
            "{l}"
        );
        assert!(
            page.text
                .contains(&format!("/publicity/statistics/reports/{id}/pdf")),
            "{l}"
        );
        let res = anon
            .request(
                Method::GET,
                &format!("/publicity/statistics/reports/{id}/pdf"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{l}");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/pdf",
            "{l}"
        );
        app.finish().await;
    }
}
