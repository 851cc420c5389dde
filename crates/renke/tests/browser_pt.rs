//! Browser test of proficiency testing (能力验证): the real `renke demo` server driven by
//! headless Chromium through chromium-driver. Runs when RENKE_TEST_BROWSER=1 (CI sets it);
//! then a missing browser is a failure, never a skip.
//!
//! Guangdong's organiser (the provider) creates the scheme 电气产品绝缘电阻测试 with 绝缘电阻
//! (MΩ) and a round of it on the pages and invites the qualifying labs; the demo lab
//! (`lab.staff`, 广州穗准检测) applies on its page; five other Guangdong labs apply through
//! use-case calls of the test on the demo's database (with accounts the test gives them,
//! and labs it adds when the demo has too few); the organiser approves every application,
//! records the dispatch to the demo lab and starts testing; the other labs' results go in
//! by use case. Then in the browser: the demo lab confirms receipt, enters its insulation
//! resistance and submits it through the confirmation; the organiser evaluates (Algorithm A,
//! robust SD) and releases; the lab reads its score and downloads its letter, whose text
//! (pdftotext) carries its sample code and the z score its page shows. Screenshots
//! `pt-*.png` at 1366 and 390 px go to `$CARGO_TARGET_TMPDIR/screenshots/` (printed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser_support;

use browser_support::{
    body_text, click, csp_violations, download, enabled, log_in, log_out, pdf_text, shot, start,
    text,
};
use chrono::{DateTime, TimeZone, Utc};
use fantoccini::{Client, Locator};
use renke_app::{App, Caller, WebConfig};
use renke_domain::clock::{Clock, SHANGHAI};
use renke_domain::demo::DEMO_PASSWORD;
use renke_domain::org::{CmaLevel, OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::Db;

/// The round this walk creates (the demo's own rounds are GDPT-2022-01 … 03).
const ROUND_CODE: &str = "GDPT-2022-09";
/// What the demo lab measured, and the five other labs.
const LAB_VALUE: &str = "51.2";
const OTHER_VALUES: [&str; 5] = ["52.3", "50.8", "51.6", "49.9", "53.0"];
/// The demo lab (`lab.staff`).
const DEMO_LAB: &str = "GD-GZ-LAB1";

/// Types `value` into the input with id `id` (a date or date-time input gets it as its
/// value, in the form that input keeps).
async fn fill(c: &Client, id: &str, value: &str) {
    let input = c
        .wait()
        .for_element(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no #{id}: {e}"));
    let kind = input.attr("type").await.unwrap();
    if matches!(kind.as_deref(), Some("datetime-local" | "date")) {
        c.execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![id.into(), value.replace(' ', "T").into()],
        )
        .await
        .unwrap();
    } else {
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
}

/// Brings the element with id `id` to the top of the window (for a screenshot).
async fn scroll_to(c: &Client, id: &str) {
    c.execute(
        "document.getElementById(arguments[0]).scrollIntoView();",
        vec![id.into()],
    )
    .await
    .unwrap();
}

/// Clicks the button at `at` whose form asks to confirm first (`data-confirm`), and
/// accepts the question.
async fn click_and_confirm(c: &Client, at: Locator<'_>) {
    let button = c.wait().for_element(at).await.unwrap();
    // The question may already be open when the click answers.
    let _ = button.click().await;
    for _ in 0..100 {
        if c.accept_alert().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no confirmation asked after clicking {at:?}");
}

/// Waits (up to ten seconds) until the browser's address contains `part`.
async fn wait_for_url(c: &Client, part: &str) {
    for _ in 0..200 {
        if c.current_url().await.unwrap().as_str().contains(part) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the address never came to contain {part}");
}

/// The flash message of the page the last action led to, once the address says `done`.
async fn flash(c: &Client, done: &str) -> String {
    wait_for_url(c, &format!("done={done}")).await;
    c.wait()
        .for_element(Locator::Css("p.flash"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The demo server's clock at start (its default), for the test's own use-case calls: no
/// later than the server's own time, or their results would be newer than the provider's
/// evaluation in the browser and the release would ask for a re-evaluation.
fn demo_start() -> DateTime<Utc> {
    SHANGHAI
        .with_ymd_and_hms(2022, 6, 6, 9, 0, 0)
        .single()
        .unwrap()
        .to_utc()
}

async fn caller(db: &Db, login: &str) -> Caller {
    renke_store::accounts::get_by_login(db, login)
        .await
        .unwrap_or_else(|e| panic!("{login}: {e}"))
        .into()
}

/// Labs with a provincial CMA in Guangdong besides the demo lab: at least five, adding
/// labs in Zhuhai, Shantou and Jiangmen when the demo has too few.
async fn enough_labs(db: &Db) {
    let gd = renke_store::orgs::get_by_code(db, "GD").await.unwrap();
    let labs = renke_store::pt::provincial_cma_labs(db, gd.path.as_str())
        .await
        .unwrap();
    let others = labs.iter().filter(|l| l.code != DEMO_LAB).count();
    if others >= OTHER_VALUES.len() {
        return;
    }
    let extra = [
        ("GD-ZH-PTLAB1", "GD-ZH", "珠海市香洲电器检测有限公司"),
        ("GD-ST-PTLAB1", "GD-ST", "汕头市龙湖电器检测有限公司"),
        ("GD-JM-PTLAB1", "GD-JM", "江门市蓬江电器检测有限公司"),
        ("GD-ZS-PTLAB1", "GD-ZS", "中山市石岐电器检测有限公司"),
        ("GD-HZ-PTLAB1", "GD-HZ", "惠州市惠城电器检测有限公司"),
    ];
    let new: Vec<renke_store::orgs::NewOrg> = extra
        .iter()
        .take(OTHER_VALUES.len() - others)
        .map(|(code, parent, name)| {
            let mut o = renke_store::orgs::NewOrg::new(
                OrgCode::parse("code", code).unwrap(),
                Some(OrgCode::parse("parent", parent).unwrap()),
                *name,
                OrgKind::Lab,
            );
            o.cma_level = Some(CmaLevel::Provincial);
            o
        })
        .collect();
    renke_store::orgs::create_many(db, &new, demo_start())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_lab_submits_the_provider_evaluates_and_releases_and_the_letter_matches() {
    if !enabled() {
        return;
    }
    let b = start(&[], 1366, 900).await;
    let (c, base, shots) = (&b.c, b.base.as_str(), &b.shots);
    // The demo's database, for the part of the round the other labs play.
    let db = Db::connect(&b.db_url()).await.unwrap();
    let app = App::new(db.clone(), Clock::fixed(demo_start()), WebConfig::default());
    enough_labs(&db).await;

    // The provider: the list of rounds, then a new scheme.
    log_in(c, base, "gd.organiser", DEMO_PASSWORD).await;
    click(c, Locator::Css(".sidenav a[href='/pt']")).await;
    c.wait().for_element(Locator::Id("rounds-h")).await.unwrap();
    shot(c, shots, "pt-list-1366.png").await;
    click(c, Locator::Css("a[href='/pt/schemes/new']")).await;
    fill(c, "name", "电气产品绝缘电阻测试").await;
    fill(c, "field", "家用电器").await;
    fill(c, "m0_name", "绝缘电阻").await;
    fill(c, "m0_unit", "MΩ").await;
    fill(c, "m0_decimals", "1").await;
    shot(c, shots, "pt-scheme-form-1366.png").await;
    click(c, Locator::Id("create-scheme")).await;

    // The round: the scheme chosen already, the dates, every eligibility box ticked.
    assert_eq!(
        flash(c, "scheme_created").await,
        "能力验证计划已创建。现在为它新建轮次。"
    );
    let chosen = text(c, Locator::Css("#scheme_id option:checked")).await;
    assert!(chosen.starts_with("电气产品绝缘电阻测试"), "{chosen}");
    fill(c, "code", ROUND_CODE).await;
    fill(c, "title", "2022年电气产品绝缘电阻测试能力验证（补充轮次）").await;
    fill(c, "enrol_until", "2022-06-20 17:00").await;
    fill(c, "dispatch_on", "2022-06-22").await;
    fill(c, "results_until", "2022-07-15 17:00").await;
    fill(c, "instructions", "样品为绝缘电阻标准样块一件，收到后请确认接收；按 GB/T 12190 或本机构常用方法测定，结果以 MΩ 计，保留一位小数。").await;
    shot(c, shots, "pt-round-form-1366.png").await;
    click(c, Locator::Id("create-round")).await;
    assert_eq!(
        flash(c, "round_created").await,
        "轮次已创建，处于报名阶段。"
    );
    let round: i64 = c
        .current_url()
        .await
        .unwrap()
        .path()
        .trim_start_matches("/pt/rounds/")
        .parse()
        .unwrap();
    let round_url = format!("{base}/pt/rounds/{round}");
    let rule = text(c, Locator::Id("rule")).await;
    assert!(
        rule.contains("广东省市场监督管理局辖区内取得省级资质认定（CMA）的检验检测机构"),
        "{rule}"
    );
    click(c, Locator::Id("invite-qualifying")).await;
    let invited = flash(c, "invited").await;
    assert!(
        invited.starts_with("已邀请 ") && invited.ends_with(" 家符合条件的机构。"),
        "{invited}"
    );

    // Five other labs apply by use case, each through an account the test gives it.
    let provider = caller(&db, "gd.organiser").await;
    let view = renke_app::pt::round_view(&app, &provider, round)
        .await
        .unwrap();
    let measurand = view.measurands[0].id;
    let others: Vec<(i64, String)> = view
        .enrolments
        .iter()
        .filter(|r| r.enrolment.lab_code != DEMO_LAB)
        .take(OTHER_VALUES.len())
        .map(|r| (r.enrolment.id, r.enrolment.lab_code.clone()))
        .collect();
    assert_eq!(others.len(), OTHER_VALUES.len(), "labs invited");
    let hash = renke_app::auth::hash_password(DEMO_PASSWORD).await.unwrap();
    let mut other_logins = Vec::new();
    for (i, (_, code)) in others.iter().enumerate() {
        let login = format!("pt-walk-{i}.staff");
        let new = renke_store::accounts::NewAccount {
            login: renke_domain::account::Login::parse("login", &login).unwrap(),
            display_name: format!("能力验证测试账号{i}"),
            org_code: code.clone(),
            role: Role::Staff,
            email: None,
            phone: None,
            password_hash: hash.clone(),
        };
        renke_store::accounts::create(&db, &new, demo_start())
            .await
            .unwrap();
        let me = caller(&db, &login).await;
        let f = renke_app::pt::ApplyForm {
            measurand_ids: vec![measurand],
        };
        renke_app::pt::apply(&app, &me, round, &f).await.unwrap();
        other_logins.push(login);
    }

    // The demo lab applies on its page.
    log_out(c).await;
    log_in(c, base, "lab.staff", DEMO_PASSWORD).await;
    c.goto(&round_url).await.unwrap();
    let standing = text(c, Locator::Id("mine")).await;
    assert!(
        standing.contains("已邀请") && standing.contains("确认参加（回复邀请）"),
        "{standing}"
    );
    click(c, Locator::Id("apply")).await;
    assert_eq!(flash(c, "applied").await, "报名已提交，等待提供者审核。");
    assert_eq!(text(c, Locator::Id("my-status")).await, "待审核");

    // The provider approves every application, sends the demo lab its sample and starts.
    log_out(c).await;
    log_in(c, base, "gd.organiser", DEMO_PASSWORD).await;
    c.goto(&round_url).await.unwrap();
    let approve = "(//button[@name='decision' and @value='approve'])[1]";
    let mut approved = 0;
    while let Ok(button) = c.find(Locator::XPath(approve)).await {
        let form = c
            .find(Locator::XPath(&format!("{approve}/ancestor::form")))
            .await
            .unwrap();
        let action = form.attr("action").await.unwrap().unwrap();
        let enrolment = action
            .trim_end_matches("/decide")
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        button.click().await.unwrap();
        wait_for_url(c, &format!("#enrolment-{enrolment}")).await;
        assert_eq!(flash(c, "approved").await, "已确认参加，已生成样品编号。");
        approved += 1;
        assert!(approved <= 6, "more applications than were sent");
    }
    assert_eq!(approved, 6);
    let demo_enrolment = renke_app::pt::round_view(&app, &provider, round)
        .await
        .unwrap()
        .enrolments
        .iter()
        .find(|r| r.enrolment.lab_code == DEMO_LAB)
        .unwrap()
        .enrolment
        .id;
    click(
        c,
        Locator::Css(&format!("#enrolment-{demo_enrolment} details summary")),
    )
    .await;
    fill(c, &format!("courier-{demo_enrolment}"), "顺丰速运").await;
    fill(c, &format!("tracking-{demo_enrolment}"), "SF1402202206").await;
    fill(c, &format!("sent_on-{demo_enrolment}"), "2022-06-06").await;
    click(
        c,
        Locator::Css(&format!(
            "form[action$='/enrolments/{demo_enrolment}/dispatch'] button[type=submit]"
        )),
    )
    .await;
    assert_eq!(flash(c, "dispatched").await, "寄样信息已保存。");
    let counts = text(c, Locator::Css("#enrolments p.help")).await;
    assert!(counts.contains("确认参加 6 家"), "{counts}");
    scroll_to(c, "enrolments").await;
    shot(c, shots, "pt-provider-round-1366.png").await;
    click_and_confirm(c, Locator::Id("start-testing")).await;
    assert_eq!(
        flash(c, "testing").await,
        "已开始检测，参加机构可以提交结果。"
    );

    // The other labs' results, by use case.
    for (i, ((enrolment, _), login)) in others.iter().zip(&other_logins).enumerate() {
        let me = caller(&db, login).await;
        let f = renke_app::pt::ResultsForm {
            results: vec![renke_app::pt::ResultInput {
                measurand_id: measurand,
                value: OTHER_VALUES[i].into(),
                u: "1.5".into(),
                k: "2".into(),
                method: "GB/T 12190".into(),
                ..Default::default()
            }],
            behalf_note: String::new(),
        };
        renke_app::pt::save_results(&app, &me, *enrolment, &f)
            .await
            .unwrap();
        renke_app::pt::submit_results(&app, &me, *enrolment)
            .await
            .unwrap();
    }

    // The demo lab: its sample code, receipt, its result through the confirmation.
    log_out(c).await;
    log_in(c, base, "lab.staff", DEMO_PASSWORD).await;
    c.goto(&round_url).await.unwrap();
    let code = text(c, Locator::Id("my-sample-code")).await;
    assert_eq!(code.len(), 6, "a six-character sample code: {code}");
    let mine = text(c, Locator::Id("mine")).await;
    assert!(mine.contains("SF1402202206"), "{mine}");
    click(
        c,
        Locator::Css("form[action$='/receipt'] button[type=submit]"),
    )
    .await;
    assert_eq!(flash(c, "received").await, "已确认收样。");
    click(c, Locator::Id("results-link")).await;
    fill(c, "r0_value", LAB_VALUE).await;
    fill(c, "r0_replicates", "51.0, 51.4").await;
    fill(c, "r0_u", "1.2").await;
    fill(c, "r0_k", "2").await;
    fill(c, "r0_method", "GB/T 12190").await;
    assert_eq!(text(c, Locator::Id("sample-code")).await, code);
    shot(c, shots, "pt-results-form-1366.png").await;
    c.set_window_size(390, 844).await.unwrap();
    scroll_to(c, "r0").await;
    shot(c, shots, "pt-results-form-390.png").await;
    c.set_window_size(1366, 900).await.unwrap();
    click(c, Locator::Id("review-results")).await;
    c.wait()
        .for_element(Locator::Id("confirm-rows"))
        .await
        .unwrap();
    let preview = text(c, Locator::Id("confirm-rows")).await;
    assert!(
        preview.contains("绝缘电阻")
            && preview.contains(LAB_VALUE)
            && preview.contains("51.0, 51.4"),
        "{preview}"
    );
    assert!(
        c.find(Locator::Id("late-warning")).await.is_err(),
        "not late"
    );
    shot(c, shots, "pt-results-confirm-1366.png").await;
    click(c, Locator::Id("confirm-submit")).await;
    assert_eq!(flash(c, "submitted").await, "已提交 1 项结果。");

    // The provider evaluates with Algorithm A and the robust SD, and releases.
    log_out(c).await;
    log_in(c, base, "gd.organiser", DEMO_PASSWORD).await;
    c.goto(&format!("{base}/pt/rounds/{round}/evaluation"))
        .await
        .unwrap();
    let assigned = format!("assigned-{measurand}");
    let sigma = format!("sigma-{measurand}");
    click(
        c,
        Locator::Css(&format!("#{assigned} option[value='algorithm_a']")),
    )
    .await;
    click(c, Locator::Css(&format!("#{sigma} option[value='robust']"))).await;
    click(c, Locator::Id(&format!("evaluate-{measurand}"))).await;
    assert_eq!(flash(c, "evaluated").await, "评价已计算并保存为新版本。");
    let scores = text(c, Locator::Id(&format!("scores-{measurand}"))).await;
    assert!(scores.contains(&code), "the lab's code: {scores}");
    assert_eq!(
        scores.lines().count(),
        7,
        "a header and six participants: {scores}"
    );
    let xpt = text(c, Locator::Id(&format!("xpt-{measurand}"))).await;
    assert!(xpt.starts_with("51."), "x_pt near 51.4: {xpt}");
    click(c, Locator::Css(&format!("#how-{measurand} summary"))).await;
    let how = text(c, Locator::Id(&format!("how-{measurand}"))).await;
    assert!(
        how.contains("ISO 13528:2022") && how.contains("迭代过程"),
        "{how}"
    );
    scroll_to(c, &format!("m-{measurand}")).await;
    shot(c, shots, "pt-evaluation-1366.png").await;
    scroll_to(c, &format!("how-{measurand}")).await;
    shot(c, shots, "pt-evaluation-how-1366.png").await;
    c.set_window_size(390, 844).await.unwrap();
    scroll_to(c, &format!("m-{measurand}")).await;
    shot(c, shots, "pt-evaluation-390.png").await;
    scroll_to(c, &format!("scores-{measurand}")).await;
    shot(c, shots, "pt-evaluation-scores-390.png").await;
    c.set_window_size(1366, 900).await.unwrap();
    click_and_confirm(c, Locator::Css("#release-card button#release")).await;
    assert_eq!(
        flash(c, "released").await,
        "结果已发布。参加机构可以查看评价结果和下载结果通知书。"
    );

    // The lab: its score, and its letter with the same code and score.
    log_out(c).await;
    log_in(c, base, "lab.staff", DEMO_PASSWORD).await;
    c.goto(&round_url).await.unwrap();
    let z = text(c, Locator::Id(&format!("score-{measurand}"))).await;
    assert!(z.parse::<f64>().is_ok(), "a z score: {z}");
    let row = text(c, Locator::Id(&format!("outcome-{measurand}"))).await;
    assert!(
        (row.contains("z = ") || row.contains("z′ = ")) && row.contains("满意"),
        "{row}"
    );
    let page = body_text(c).await;
    for (_, other) in &others {
        assert!(
            !page.contains(other.as_str()),
            "another lab on the lab's page"
        );
    }
    scroll_to(c, "scores-h").await;
    shot(c, shots, "pt-lab-scores-1366.png").await;
    c.set_window_size(390, 844).await.unwrap();
    scroll_to(c, "scores-h").await;
    shot(c, shots, "pt-lab-scores-390.png").await;
    c.set_window_size(1366, 900).await.unwrap();
    let href = c
        .find(Locator::Id("letter-link"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .expect("the letter's address");
    let letter = pdf_text(&download(c, base, &href).await);
    let flat = letter.replace('−', "-");
    assert!(
        letter.contains(&code),
        "the sample code in the letter: {letter}"
    );
    assert!(flat.contains(&z), "the z score {z} in the letter: {letter}");
    assert!(letter.contains(ROUND_CODE), "{letter}");

    assert_eq!(csp_violations(c).await, Vec::<String>::new());
    eprintln!("screenshots in {}", shots.display());
    c.clone().close().await.unwrap();
}
