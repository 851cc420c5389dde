//! Shanghai's two case collections of the demo (issue 19 seeds: 2022 innovation cases and
//! the call for epidemic-fighting material), loaded through the use cases
//! (`renke_app::cases`) with the demo accounts as callers, each step on a clock set to the
//! moment it happened. The first call is reviewed (the Pudong reviewer does not score
//! Pudong's case: a conflict of interest), selected and published; the second is open.

use anyhow::{Context, anyhow};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use renke_app::cases::{self, CallForm, CaseForm, Points, ScoreForm, SelectForm};
use renke_app::{App, Caller, WebConfig};
use renke_domain::clock::{Clock, SHANGHAI};
use renke_store::Db;
use std::sync::atomic::Ordering;

/// Sets the app's (fixed) clock to `t` (Beijing time, `2022-05-06 10:00`).
fn at(app: &App, t: &str) -> anyhow::Result<()> {
    let naive = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")?;
    let when: DateTime<Utc> = SHANGHAI
        .from_local_datetime(&naive)
        .single()
        .ok_or_else(|| anyhow!("demo time {t}"))?
        .with_timezone(&Utc);
    if let Clock::Fixed(ms) = &app.clock {
        ms.store(when.timestamp_millis(), Ordering::SeqCst);
    }
    Ok(())
}

async fn caller(db: &Db, login: &str) -> anyhow::Result<Caller> {
    let a = renke_store::accounts::get_by_login(db, login)
        .await
        .with_context(|| format!("demo account {login}"))?;
    Ok(Caller::from(a))
}

fn failed(step: &str) -> impl FnOnce(renke_app::AppError) -> anyhow::Error + '_ {
    move |e| anyhow!("演示案例征集 demo case collection, {step}: {e:?}")
}

fn case(title: &str, summary: &str, body: &str) -> CaseForm {
    CaseForm {
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        submit: "1".into(),
    }
}

/// Loads both calls; returns their ids (the published one first).
pub(super) async fn load(db: &Db) -> anyhow::Result<Vec<i64>> {
    let app = App::new(
        db.clone(),
        Clock::fixed(DateTime::UNIX_EPOCH),
        WebConfig::default(),
    );
    let sh = caller(db, "sh.organiser").await?;
    let reviewer = caller(db, "sh.staff").await?;
    let pd_reviewer = caller(db, "shpd.organiser").await?;
    let pd = caller(db, "shpd.staff").await?;
    let ja = caller(db, "shja.staff").await?;
    let panel = format!("{},{}", reviewer.id, pd_reviewer.id);

    // (一) 2022年度上海市检验检测创新案例: called, submitted, reviewed, selected, published.
    at(&app, "2022-05-06 10:00")?;
    let innovation = cases::create_call(
        &app,
        &sh,
        &CallForm {
            title: "2022年度上海市检验检测创新案例征集".into(),
            description: "为贯彻“传递信任，服务发展”主题，展示本市检验检测机构在服务营商环境、支撑产业发展中的创新做法，现征集2022年度检验检测创新案例，择优汇编成集并公开发布。".into(),
            deadline: "2022-05-25 17:00".into(),
            criteria: "创新性 30\n示范性 30\n可推广性 20\n材料规范性 20".into(),
            scope_org_id: sh.org_id.to_string(),
            kinds: String::new(),
            panel: panel.clone(),
        },
        None,
    )
    .await
    .map_err(failed("innovation call"))?;
    at(&app, "2022-05-16 15:00")?;
    let pd_case = cases::save_case(
        &app,
        &pd,
        innovation.id,
        None,
        &case(
            "临港新片区检验检测“一网通办”",
            "检验检测机构资质认定事项全程网办，平均办理时间由20个工作日压缩至5个工作日。",
            "一、背景\n临港新片区检验检测机构集聚，资质认定申请量大。\n二、做法\n推行告知承诺、远程评审和电子证书，申请材料一次提交、全程网办。\n三、成效\n办理时间压缩75%，企业满意度显著提升。",
        ),
        &[],
    )
    .await
    .map_err(failed("Pudong case"))?;
    at(&app, "2022-05-20 11:00")?;
    let ja_case = cases::save_case(
        &app,
        &ja,
        innovation.id,
        None,
        &case(
            "静安区检验检测服务楼宇经济",
            "组织检验检测机构走进商务楼宇，为中小企业提供“一站式”质量技术服务。",
            "一、背景\n静安区楼宇经济发达，中小企业质量技术需求分散。\n二、做法\n建立检验检测服务清单，开展“进楼宇、进园区”上门服务。\n三、成效\n服务企业300余家，减少企业检测成本约15%。",
        ),
        &[],
    )
    .await
    .map_err(failed("Jing'an case"))?;
    at(&app, "2022-05-26 09:00")?;
    cases::open_review(&app, &sh, innovation.id)
        .await
        .map_err(failed("open review"))?;
    at(&app, "2022-05-27 14:00")?;
    let sheets = [
        (&reviewer, pd_case.id, [27, 26, 18, 18]),
        (&reviewer, ja_case.id, [24, 25, 17, 19]),
        // The Pudong reviewer scores Jing'an's case only: Pudong's is its own.
        (&pd_reviewer, ja_case.id, [25, 24, 18, 18]),
    ];
    for (who, id, points) in sheets {
        let scores = ScoreForm {
            scores: Points::List(points.iter().map(|p| i64::from(*p)).collect()),
        };
        cases::score(&app, who, id, &scores)
            .await
            .map_err(failed("score"))?;
    }
    at(&app, "2022-05-30 10:00")?;
    cases::select(
        &app,
        &sh,
        innovation.id,
        &SelectForm {
            selected: format!("{},{}", pd_case.id, ja_case.id),
        },
    )
    .await
    .map_err(failed("select"))?;
    cases::publish(&app, &sh, innovation.id)
        .await
        .map_err(failed("publish"))?;

    // 三(五) 抗击疫情检验检测先进事迹材料征集: open, one case submitted and one draft.
    at(&app, "2022-05-20 10:00")?;
    let epidemic = cases::create_call(
        &app,
        &sh,
        &CallForm {
            title: "上海市检验检测机构抗击疫情先进事迹材料征集".into(),
            description: "征集本市检验检测机构在疫情防控中保障检测、服务保供的先进事迹材料。"
                .into(),
            deadline: "2022-07-15 17:00".into(),
            criteria: "事迹典型性 40\n社会影响 30\n材料完整性 30".into(),
            scope_org_id: sh.org_id.to_string(),
            kinds: String::new(),
            panel,
        },
        None,
    )
    .await
    .map_err(failed("epidemic call"))?;
    at(&app, "2022-05-31 16:00")?;
    cases::save_case(
        &app,
        &pd,
        epidemic.id,
        None,
        &case(
            "浦东新区检验检测机构驰援核酸检测",
            "区内检验检测机构组建应急检测队伍，日均完成核酸检测万余管。",
            "疫情期间，区内检验检测机构主动请缨，组建应急检测队伍，保障核酸检测能力。",
        ),
        &[],
    )
    .await
    .map_err(failed("epidemic case"))?;
    let mut draft = case(
        "静安区保供企业质量检测“绿色通道”",
        "",
        "为保供企业开通检测“绿色通道”，优先受理、优先出具报告。",
    );
    draft.submit = String::new();
    cases::save_case(&app, &ja, epidemic.id, None, &draft, &[])
        .await
        .map_err(failed("epidemic draft"))?;
    Ok(vec![innovation.id, epidemic.id])
}
