//! The charts of a proficiency-testing round: a scheme with two paired samples (镉 样品A /
//! 镉 样品B), its pairs refused when they are not two quantitative measurands with one unit;
//! the round page's 结果分布 for the provider (every code, a Youden plot) and for a lab after
//! release (its own code only); the round report's Youden plot.

use crate::pdf::pdf_text;
use crate::pt::{
    apply, approve, codes, demo_directory, demo_login, evaluate, measurand_ids, round,
};
use crate::support::{Client, PASSWORD, TestApp};
use chrono::Duration;
use serde_json::{Value, json};

/// Posts a scheme with `measurands` (name, unit, pair group).
async fn post_scheme(gd: &Client, measurands: &[(&str, &str, &str)]) -> crate::support::Resp {
    let list: Vec<Value> = measurands
        .iter()
        .map(|(name, unit, group)| {
            json!({"name": name, "unit": unit, "decimals": "3", "pair_group": group})
        })
        .collect();
    gd.post(
        "/api/v1/pt/schemes",
        json!({"name": "大米中镉含量测定能力验证", "field": "食品", "measurands": list}),
    )
    .await
}

/// The bytes of a download.
async fn bytes(c: &Client, path: &str) -> (u16, Vec<u8>) {
    let r = c.request(reqwest::Method::GET, path).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn paired_samples_get_a_youden_plot_on_the_page_and_in_the_report() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let gd = demo_login(&app, "gd.organiser").await;

        // Pairs that are not pairs are refused, each on its field.
        let r = post_scheme(
            &gd,
            &[
                ("镉 样品A", "mg/kg", "A"),
                ("镉 样品B", "mg/kg", "A"),
                ("镉 样品C", "mg/kg", "A"),
            ],
        )
        .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("measurands[2].pair_group").as_deref(),
            Some("pair_needs_two"),
            "{l}: {}",
            r.text
        );
        let r = post_scheme(
            &gd,
            &[("镉 样品A", "mg/kg", "A"), ("镉 样品B", "μg/kg", "A")],
        )
        .await;
        assert_eq!(
            (
                r.status,
                r.field_code("measurands[1].pair_group").as_deref()
            ),
            (422, Some("pair_unit_mismatch")),
            "{l}: {}",
            r.text
        );
        // The scheme form says so next to the input.
        let (status, html) = {
            let r = gd
                .form(
                    "/pt/schemes/new",
                    &[
                        ("name", "大米中镉含量测定能力验证"),
                        ("field", "食品"),
                        ("measurands[0].name", "镉 样品A"),
                        ("measurands[0].unit", "mg/kg"),
                        ("measurands[0].pair_group", "A"),
                        ("measurands[1].name", "铅"),
                        ("measurands[1].unit", "mg/kg"),
                    ],
                )
                .await;
            (r.status, r.text)
        };
        assert_eq!(status, 422, "{l}: {html}");
        assert!(
            html.contains(r#"id="m0_pair_group-err""#) && html.contains("须恰好包含两个检测项目"),
            "{l}: {html}"
        );

        let r = post_scheme(
            &gd,
            &[("镉 样品A", "mg/kg", "A"), ("镉 样品B", "mg/kg", "A")],
        )
        .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let scheme = r.body["id"].as_i64().unwrap();
        let view = round(&app, &gd, scheme, "GDPT-2022-31", (true, false, false)).await;
        let id = view["round"]["id"].as_i64().unwrap();
        assert_eq!(view["measurands"][1]["pair_group"], "A", "{l}: {view}");
        let m = measurand_ids(&view);
        let lab = demo_login(&app, "lab.staff").await;
        let fs = app.login("fs.lab", PASSWORD).await;
        let dg = app.login("dg.lab", PASSWORD).await;
        for c in [&lab, &fs, &dg] {
            assert_eq!(apply(c, id, &m).await.status, 201, "{l}");
        }
        approve(&app, &gd, id, &["GD-GZ-LAB1", "GD-FS-LAB1", "GD-DG-LAB1"]).await;
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let page = format!("/pt/rounds/{id}");
        let html = gd.get(&page).await.text;
        assert!(
            html.contains("结果分布") && html.contains(r#"id="charts-none""#),
            "{l}: nothing evaluated yet"
        );

        // A script loads both samples' results; the provider evaluates both.
        let codes = codes(&gd, id).await;
        let (own, others) = (
            codes["GD-GZ-LAB1"].clone(),
            [codes["GD-FS-LAB1"].clone(), codes["GD-DG-LAB1"].clone()],
        );
        let values = [
            ("GD-GZ-LAB1", "0.205", "0.212"),
            ("GD-FS-LAB1", "0.188", "0.190"),
            ("GD-DG-LAB1", "0.262", "0.251"),
        ];
        let rows: Vec<Value> = values
            .iter()
            .flat_map(|(lab, a, b)| {
                [("镉 样品A", a), ("镉 样品B", b)].map(|(name, v)| {
                    json!({"sample_code": codes[*lab], "measurand": name, "value": v,
                           "u": "0.01", "k": "2", "unit": "mg/kg"})
                })
            })
            .collect();
        let r = gd
            .post(
                &format!("/api/v1/pt/rounds/{id}/results"),
                json!({"rows": rows, "note": "由脚本批量导入"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.clock.advance(Duration::minutes(1));
        for (mid, x) in [(m[0], "0.200"), (m[1], "0.205")] {
            let r = evaluate(&gd, id, mid, x, "0.002", "0.02").await;
            assert_eq!(r.status, 201, "{l}: {}", r.text);
        }

        // The provider's page: both distributions, both ranked charts, the Youden plot,
        // every code.
        let html = gd.get(&page).await.text;
        for chart in [
            format!(r#"id="distribution-{}""#, m[0]),
            format!(r#"id="ranked-{}""#, m[1]),
            r#"id="youden-1""#.to_owned(),
        ] {
            assert!(html.contains(&chart), "{l}: {chart}");
        }
        assert!(!html.contains(r#"id="charts-none""#), "{l}");
        let youden = &html[html.find(r#"id="youden-1""#).unwrap()..];
        let youden = &youden[..youden.find("</figure>").unwrap()];
        assert!(
            youden.contains("<svg") && youden.contains(r#"id="diagonal""#),
            "{l}: {youden}"
        );
        assert!(
            youden.contains("镉 样品A 与 镉 样品B：Youden 图") && youden.contains("镉 样品A（z）"),
            "{l}: {youden}"
        );
        for code in codes.values() {
            assert!(youden.contains(&format!(">{code}<")), "{l}: {code}");
        }
        // Before release a lab sees no charts.
        let html = lab.get(&page).await.text;
        assert!(!html.contains(r#"id="charts""#), "{l}");

        // The round report has the Youden plot's title.
        let (status, pdf) = bytes(&gd, &format!("/api/v1/pt/rounds/{id}/report.pdf")).await;
        assert_eq!(status, 200, "{l}");
        let text = pdf_text(&pdf);
        assert!(
            text.contains("配对样品的Youden图") && text.contains("镉样品A与镉样品B：Youden图"),
            "{l}: {text}"
        );

        // After release the lab sees the released charts: its own code, no other.
        let r = gd
            .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let html = lab.get(&page).await.text;
        assert!(
            html.contains(r#"id="charts""#)
                && html.contains(&format!(r#"id="distribution-{}""#, m[0]))
                && html.contains(r#"id="youden-1""#),
            "{l}: {html}"
        );
        assert!(html.contains("本实验室的结果已标出"), "{l}: the lab's help");
        assert!(html.contains(r#"<g id="marked">"#), "{l}: its point");
        assert!(html.contains(&format!("{own}：(")), "{l}: its caption");
        for other in &others {
            assert!(
                !html.contains(other.as_str()),
                "{l}: {other} on the lab's page"
            );
        }
        app.finish().await;
    }
}
