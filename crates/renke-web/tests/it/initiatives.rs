//! The industry initiative and the certificate ceremony (宣传, issue 19 points 5 and 7):
//! Shanghai's association publishes an initiative for labs; a Shanghai lab signs it once
//! through its organiser account — a second signature is refused, by the use case and by
//! the database — its staff cannot sign, a certification body and a Guangdong lab are not
//! addressed; the public page shows the text, the count and the signatories; the
//! association and the bureau see who has not signed. Shanghai's bureau keeps the
//! 上海品牌 certificate list of its ceremony by form and by import, checked row by row, and
//! anyone verifies a certificate number.

use crate::support::{PASSWORD, TestApp, t0};
use renke_domain::initiative::Signer;
use renke_domain::org::{OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::orgs::NewOrg;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

fn inst(code: &str, parent: &str, name: &str, kind: OrgKind) -> NewOrg {
    NewOrg::new(
        OrgCode::parse("code", code).unwrap(),
        Some(OrgCode::parse("parent", parent).unwrap()),
        name,
        kind,
    )
}

/// The tree with Shanghai's association, two Shanghai labs (one under Pudong), a
/// certification body; the accounts; Shanghai's public campaign (its id).
async fn setup(app: &TestApp) -> i64 {
    app.tree().await;
    renke_store::orgs::create_many(
        app.db(),
        &[
            inst(
                "SH-XH",
                "SH",
                "上海市检验检测认证协会",
                OrgKind::Association,
            ),
            inst(
                "SH-LAB1",
                "SH",
                "上海市质量监督检验技术研究院",
                OrgKind::Lab,
            ),
            inst(
                "SH-PD-LAB",
                "SH-PD",
                "上海浦江检测技术有限公司",
                OrgKind::Lab,
            ),
            inst(
                "SH-CB",
                "SH",
                "中国质量认证中心上海分中心",
                OrgKind::CertificationBody,
            ),
        ],
        t0(),
    )
    .await
    .unwrap();
    for (login, role, org) in [
        ("xh.org", Role::Organiser, "SH-XH"),
        ("lab1.org", Role::Organiser, "SH-LAB1"),
        ("lab1.staff", Role::Staff, "SH-LAB1"),
        ("pdlab.org", Role::Organiser, "SH-PD-LAB"),
        ("cb.org", Role::Organiser, "SH-CB"),
        ("gdlab.org", Role::Organiser, "LAB-SZ"),
        ("sh.org", Role::Organiser, "SH"),
    ] {
        app.account(login, role, org).await;
    }
    let sh = app.login("sh.org", PASSWORD).await;
    let r = sh
        .post(
            "/api/v1/campaigns",
            json!({
                "title": "2022年上海市“世界认可日”主题宣传活动",
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

const BODY: &str =
    "倡议全行业凝聚抗击疫情的精神力量，主动承担社会责任，全力参与疫情防控工作，积极推进复工复产。";

#[tokio::test]
async fn each_institution_signs_the_initiative_once() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let xh = app.login("xh.org", PASSWORD).await;
        let lab1 = app.login("lab1.org", PASSWORD).await;
        let lab1_staff = app.login("lab1.staff", PASSWORD).await;
        let cb = app.login("cb.org", PASSWORD).await;
        let gdlab = app.login("gdlab.org", PASSWORD).await;
        let pdlab = app.login("pdlab.org", PASSWORD).await;
        let sh = app.login("sh.org", PASSWORD).await;
        let anon = app.anonymous();

        // Publishing: every problem named; a lab does not publish.
        let r = xh
            .post(
                "/api/v1/publicity/initiatives",
                json!({"campaign_id": campaign.to_string(), "title": "", "body": "", "kinds": "regulator"}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.field_code("title").as_deref(), Some("required"), "{l}");
        assert_eq!(r.field_code("body").as_deref(), Some("required"), "{l}");
        assert_eq!(
            r.field_code("kinds").as_deref(),
            Some("kind_not_addressable"),
            "{l}"
        );
        let good = json!({
            "campaign_id": campaign.to_string(),
            "title": "支持疫情防控和复工复产倡议书",
            "body": BODY,
            "kinds": "lab",
        });
        let r = lab1_staff
            .post("/api/v1/publicity/initiatives", good.clone())
            .await;
        assert_eq!(r.status, 403, "{l}: {}", r.text);
        let r = xh.post("/api/v1/publicity/initiatives", good).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["area_name"], "上海市市场监督管理局", "{l}");
        assert_eq!(r.body["state"], "open", "{l}");
        let sign_url = format!("/api/v1/publicity/initiatives/{id}/signatures");
        let signer = json!({"signer_name": "张明", "signer_title": "院长"});

        // Who signs: the lab's organiser; its staff never; not addressed: a certification
        // body (kind), a Guangdong lab (area).
        let r = lab1_staff.post(&sign_url, signer.clone()).await;
        assert_eq!(r.status, 403, "{l}: {}", r.text);
        let r = lab1
            .post(
                &sign_url,
                json!({"signer_name": "张明", "signer_title": " "}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("signer_title").as_deref(),
            Some("required"),
            "{l}"
        );
        for c in [&cb, &gdlab] {
            let r = c.post(&sign_url, signer.clone()).await;
            assert_eq!(r.status, 409, "{l}: {}", r.text);
            assert_eq!(r.body["code"], "initiative_not_addressed", "{l}");
        }
        let r = lab1.post(&sign_url, signer.clone()).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(r.body["org_name"], "上海市质量监督检验技术研究院", "{l}");

        // Signing once per institution: the use case refuses a second signature with a
        // clear message, and so does the database under it.
        let r = lab1.post(&sign_url, signer.clone()).await;
        assert_eq!(r.status, 409, "{l}: {}", r.text);
        assert_eq!(r.body["code"], "initiative_already_signed", "{l}");
        assert!(
            r.body["message_zh"]
                .as_str()
                .unwrap_or_default()
                .contains("每家机构只能签署一次"),
            "{l}: {}",
            r.text
        );
        let lab1_id = renke_store::orgs::get_by_code(app.db(), "SH-LAB1")
            .await
            .unwrap()
            .id;
        let again = renke_store::initiatives::sign(
            app.db(),
            id,
            lab1_id,
            &Signer::parse("李华", "副院长").unwrap(),
            None,
            t0(),
        )
        .await;
        assert!(
            matches!(
                again,
                Err(renke_store::StoreError::State("initiative_already_signed"))
            ),
            "{l}: {again:?}"
        );
        // The page says so too, and keeps one signature.
        let page = lab1
            .form(
                &format!("/publicity/initiatives/{id}/sign"),
                &[("signer_name", "张明"), ("signer_title", "院长")],
            )
            .await;
        assert_eq!(page.status, 409, "{l}");
        assert!(page.text.contains("本机构已经签署过该倡议"), "{l}");
        let v = lab1
            .get(&format!("/api/v1/publicity/initiatives/{id}"))
            .await;
        assert_eq!(v.body["initiative"]["signatures"], 1, "{l}");
        assert_eq!(v.body["mine"]["signer_title"], "院长", "{l}");
        assert_eq!(v.body["may_sign"], false, "{l}");

        // The public page: text, count, signatories; the campaign's page shows it.
        let page = anon.get(&format!("/initiatives/{id}")).await;
        assert_eq!(page.status, 200, "{l}");
        for want in [
            BODY,
            "已有 1 家机构签署",
            "上海市质量监督检验技术研究院",
            "张明（院长）",
        ] {
            assert!(page.text.contains(want), "{l}: {want}");
        }
        let page = anon.get(&format!("/campaigns/{campaign}")).await;
        assert!(page.text.contains("支持疫情防控和复工复产倡议书"), "{l}");
        let r = anon
            .get(&format!("/api/v1/publicity/initiatives/{id}/signatures"))
            .await;
        assert_eq!(r.body["total"], 1, "{l}");

        // Who has not signed: the association and the bureau see the Pudong lab (the
        // certification body and Guangdong's lab are not addressed); a lab does not.
        for c in [&xh, &sh] {
            let r = c
                .get(&format!("/api/v1/publicity/initiatives/{id}/unsigned"))
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            assert_eq!(r.body["addressed"], 2, "{l}");
            assert_eq!(r.body["total"], 1, "{l}");
            assert_eq!(
                r.body["items"][0]["name"], "上海浦江检测技术有限公司",
                "{l}"
            );
        }
        let page = xh
            .get(&format!("/publicity/initiatives/{id}/unsigned"))
            .await;
        assert!(
            page.text
                .contains("倡议面向 2 家机构，已签署 1 家，尚未签署 1 家。"),
            "{l}"
        );
        let r = lab1
            .get(&format!("/api/v1/publicity/initiatives/{id}/unsigned"))
            .await;
        assert_eq!(r.status, 403, "{l}");

        // Withdrawn, signed again; closed, no more signatures.
        let r = lab1
            .delete(&format!(
                "/api/v1/publicity/initiatives/{id}/signatures/mine"
            ))
            .await;
        assert_eq!(r.status, 204, "{l}: {}", r.text);
        let r = lab1.post(&sign_url, signer.clone()).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let r = lab1
            .post(
                &format!("/api/v1/publicity/initiatives/{id}/close"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 403, "{l}");
        let r = xh
            .post(
                &format!("/api/v1/publicity/initiatives/{id}/close"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["initiative"]["state"], "closed", "{l}");
        let r = pdlab.post(&sign_url, signer.clone()).await;
        assert_eq!(r.status, 409, "{l}");
        assert_eq!(r.body["code"], "initiative_closed", "{l}");
        app.finish().await;
    }
}

/// Shanghai's public ceremony activity; its id.
async fn ceremony(c: &crate::support::Client, campaign: i64) -> i64 {
    let r = c
        .post(
            "/api/v1/activities",
            json!({
                "campaign_id": campaign,
                "owner_code": "SH",
                "kind": "certificate_ceremony",
                "title": "“上海品牌”认证获证组织集中颁证仪式",
                "organisers": [{"role": "host", "org_code": "SH"}],
                "schedule_kind": "period",
                "period_from": "2022-06-01",
                "period_to": "2022-06-30",
                "period_label": "6月",
                "mode": "online",
                "public": true,
                "sessions": [],
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

async fn import(
    c: &crate::support::Client,
    activity: i64,
    name: &str,
    csv: &str,
) -> crate::support::Resp {
    let form = Form::new().part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name(name.to_owned()),
    );
    c.send(
        c.request(
            Method::POST,
            &format!("/api/v1/publicity/activities/{activity}/certificates/import"),
        )
        .multipart(form),
    )
    .await
}

fn numbers(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_ceremony_list_is_kept_imported_and_verified() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let sh = app.login("sh.org", PASSWORD).await;
        let lab1 = app.login("lab1.org", PASSWORD).await;
        let anon = app.anonymous();
        let activity = ceremony(&sh, campaign).await;
        let url = format!("/api/v1/publicity/activities/{activity}/certificates");

        // Before anything is added, the public page has no list.
        let page = anon.get(&format!("/ceremonies/{activity}")).await;
        assert_eq!(page.status, 200, "{l}");
        assert!(page.text.contains("尚未公布获证组织名单"), "{l}");

        // By form: every field named; a number repeated (case and spaces aside) refused.
        let r = sh
            .post(&url, json!({"organisation": "上海电气集团股份有限公司"}))
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        for f in ["number", "scope", "body"] {
            assert_eq!(r.field_code(f).as_deref(), Some("required"), "{l}: {f}");
        }
        let cert = json!({
            "organisation": "上海电气集团股份有限公司",
            "number": "SHPP-2022-001",
            "scope": "发电设备的设计、制造和服务",
            "body": "上海品牌国际认证联盟",
        });
        let r = lab1.post(&url, cert.clone()).await;
        assert_eq!(r.status, 403, "{l}: {}", r.text);
        let r = sh.post(&url, cert).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let r = sh
            .post(
                &url,
                json!({"organisation": "别的公司", "number": "shpp-2022-001 ", "scope": "x", "body": "y"}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("number").as_deref(),
            Some("number_exists"),
            "{l}"
        );

        // By import: row-level validation, all or nothing.
        let bad = "获证组织,证书编号,认证范围,认证机构\n\
            上海家化联合股份有限公司,SHPP-2022-002,化妆品的研发和生产,上海品牌国际认证联盟\n\
            光明乳业股份有限公司,SHPP-2022-002,乳制品,上海品牌国际认证联盟\n\
            上海某公司,SHPP-2022-001,服务,上海品牌国际认证联盟\n\
            上海另一公司,SHPP-2022-009,,上海品牌国际认证联盟\n";
        let r = import(&sh, activity, "名单.csv", bad).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("row3.number").as_deref(),
            Some("duplicate_number"),
            "{l}"
        );
        assert_eq!(
            r.field_code("row4.number").as_deref(),
            Some("number_exists"),
            "{l}"
        );
        assert_eq!(
            r.field_code("row5.scope").as_deref(),
            Some("required"),
            "{l}"
        );
        assert_eq!(sh.get(&url).await.body["total"], 1, "{l}: nothing imported");
        let r = import(&sh, activity, "名单.csv", "获证组织,证书编号\n甲,1\n").await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("missing_column"),
            "{l}"
        );
        let good = "获证组织,证书编号,认证范围,认证机构\n\
            上海家化联合股份有限公司,SHPP-2022-002,化妆品的研发和生产,上海品牌国际认证联盟\n\
            光明乳业股份有限公司,SHPP-2022-003,乳制品的生产,上海品牌国际认证联盟\n";
        let r = import(&sh, activity, "名单.csv", good).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(r.body["imported"], 2, "{l}");
        let list = anon.get(&url).await;
        assert_eq!(
            numbers(&list.body),
            ["SHPP-2022-001", "SHPP-2022-002", "SHPP-2022-003"],
            "{l}"
        );

        // Verification: valid (case, spaces aside) or unknown, clearly.
        let r = anon
            .get("/api/v1/publicity/certificates/verify?number=shpp-2022-003")
            .await;
        assert_eq!(r.body["valid"], true, "{l}: {}", r.text);
        assert_eq!(
            r.body["certificates"][0]["organisation"], "光明乳业股份有限公司",
            "{l}"
        );
        let r = anon
            .get("/api/v1/publicity/certificates/verify?number=SHPP-1999-999")
            .await;
        assert_eq!(r.body["valid"], false, "{l}");
        let page = anon.get("/certificates/SHPP-2022-002").await;
        assert_eq!(page.status, 200, "{l}");
        assert!(
            page.text.contains("有效") && page.text.contains("上海家化联合股份有限公司"),
            "{l}"
        );
        let page = anon.get("/certificates/SHPP-1999-999").await;
        assert_eq!(page.status, 404, "{l}");
        assert!(page.text.contains("未查到"), "{l}");

        // The campaign's public page shows the list, linking each number to its page.
        let page = anon.get(&format!("/campaigns/{campaign}")).await;
        assert!(page.text.contains("获证组织名单"), "{l}");
        assert!(page.text.contains("光明乳业股份有限公司"), "{l}");
        assert!(page.text.contains("/certificates/SHPP-2022-003"), "{l}");

        // Removal by its keeper only.
        let first = list.body["items"][0]["id"].as_i64().unwrap();
        let r = lab1.delete(&format!("{url}/{first}")).await;
        assert_eq!(r.status, 403, "{l}");
        let r = sh.delete(&format!("{url}/{first}")).await;
        assert_eq!(r.status, 204, "{l}");
        assert_eq!(anon.get(&url).await.body["total"], 2, "{l}");
        app.finish().await;
    }
}
