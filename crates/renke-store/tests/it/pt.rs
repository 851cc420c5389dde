//! Proficiency testing's statements on both databases: enrolment, blind codes, results,
//! evaluation versions, follow-ups and studies.

use crate::fixtures::{code, now, tree};
use renke_domain::org::{CmaLevel, OrgKind};
use renke_domain::pt::{MeasurandRaw, MeasurandSpec};
use renke_store::orgs::{self, NewOrg};
use renke_store::pt::{self, NewEvaluation, NewRound, NewStudy, SaveResult, Score};
use renke_store::testing::backends;
use renke_store::{Db, StoreError};

/// Two labs under Guangzhou (provincial CMA) and one company; returns their ids.
async fn labs(db: &Db) -> (i64, i64, i64) {
    let lab = |c: &str, cma| {
        let mut o = NewOrg::new(
            code(c),
            Some(code("GD-GZ")),
            format!("检测机构{c}"),
            OrgKind::Lab,
        );
        o.cma_level = cma;
        o
    };
    let ids = orgs::create_many(
        db,
        &[
            lab("GZ-L1", Some(CmaLevel::Provincial)),
            lab("GZ-L2", Some(CmaLevel::Provincial)),
            NewOrg::new(
                code("GZ-C1"),
                Some(code("GD-GZ")),
                "某企业",
                OrgKind::Company,
            ),
        ],
        now(),
    )
    .await
    .unwrap();
    (ids[0], ids[1], ids[2])
}

/// The provider's account (who creates and decides).
async fn provider(db: &Db) -> i64 {
    renke_store::accounts::create(
        db,
        &renke_store::accounts::NewAccount {
            login: renke_domain::account::Login::parse("login", "gd.pt").unwrap(),
            display_name: "能力验证组织者".into(),
            org_code: "GD".into(),
            role: renke_domain::perm::Role::Organiser,
            email: None,
            phone: None,
            password_hash: "-".into(),
        },
        now(),
    )
    .await
    .unwrap()
    .id
}

async fn round(db: &Db, by: i64) -> (i64, Vec<i64>) {
    let gd = orgs::get_by_code(db, "GD").await.unwrap();
    let m = MeasurandSpec::parse(
        "m",
        &MeasurandRaw {
            name: "绝缘电阻",
            unit: "MΩ",
            decimals: "1",
            ..Default::default()
        },
    )
    .unwrap();
    let mut tx = db.write().await.unwrap();
    let scheme = pt::insert_scheme(
        &mut tx,
        gd.id,
        "电气产品绝缘电阻测试",
        "家电",
        &[m],
        by,
        now(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e:?}"));
    let round = pt::insert_round(
        &mut tx,
        &NewRound {
            scheme_id: scheme,
            campaign_id: None,
            code: "GDPT-2022-01",
            title: "2022年电气产品绝缘电阻测试能力验证",
            scope_org_id: gd.id,
            eligibility: r#"{"provincial_cma":true,"national_cma_by_invitation":true,"hk_macau_by_invitation":true}"#,
            enrol_until: now() + chrono::Duration::days(7),
            dispatch_on: (now() + chrono::Duration::days(8)).date_naive(),
            results_until: now() + chrono::Duration::days(30),
            instructions: None,
            instructions_file_id: None,
        },
        by,
        now(),
    )
    .await;
    let round = round.unwrap_or_else(|e| panic!("{e:?}"));
    tx.commit().await.unwrap();
    let ms = pt::measurands(db, scheme).await.unwrap();
    (round, ms.iter().map(|m| m.id).collect())
}

#[tokio::test]
async fn a_round_runs_from_invitation_to_follow_up_on_both_databases() {
    for t in backends().await {
        let db = &t.db;
        let label = t.label();
        tree(db).await;
        let (l1, l2, _company) = labs(db).await;
        let by = provider(db).await;
        let (round_id, ms) = round(db, by).await;
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        // The labs that qualify: provincial CMA in the scope, not the company.
        let qualify = pt::provincial_cma_labs(db, gd.path.as_str()).await.unwrap();
        assert_eq!(
            qualify.iter().map(|l| l.id).collect::<Vec<_>>(),
            vec![l1, l2],
            "{label}"
        );
        // Inviting twice invites once.
        let mut tx = db.write().await.unwrap();
        assert_eq!(
            pt::invite(&mut tx, round_id, &[l1, l2], now())
                .await
                .unwrap(),
            2,
            "{label}"
        );
        assert_eq!(
            pt::invite(&mut tx, round_id, &[l1], now()).await.unwrap(),
            0,
            "{label}"
        );
        let e1 = pt::apply(&mut tx, round_id, l1, &ms, now()).await.unwrap();
        let e2 = pt::apply(&mut tx, round_id, l2, &ms, now()).await.unwrap();
        pt::decide(&mut tx, e1, Some("K7M2Q9"), by, now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A code taken in the round is a conflict on its constraint (the caller draws again).
        let mut tx = db.write().await.unwrap();
        match pt::decide(&mut tx, e2, Some("K7M2Q9"), by, now()).await {
            Err(StoreError::Conflict { constraint }) => {
                assert_eq!(
                    constraint, "pt_enrolments_round_id_sample_code_key",
                    "{label}"
                )
            }
            other => panic!("{label}: {other:?}"),
        }
        drop(tx);
        let mut tx = db.write().await.unwrap();
        pt::decide(&mut tx, e2, Some("ABCDEF"), by, now())
            .await
            .unwrap();
        // An approved enrolment is not applied again.
        assert!(matches!(
            pt::apply(&mut tx, round_id, l1, &ms, now()).await,
            Err(StoreError::State("enrolment_decided"))
        ));
        tx.commit().await.unwrap();
        let es = pt::enrolments(db, round_id).await.unwrap();
        assert_eq!(
            es.iter()
                .map(|e| (e.status.as_str(), e.sample_code.as_deref()))
                .collect::<Vec<_>>(),
            vec![("approved", Some("K7M2Q9")), ("approved", Some("ABCDEF"))],
            "{label}"
        );
        assert_eq!(
            pt::submission_counts(db, round_id).await.unwrap(),
            (2, 0),
            "{label}"
        );

        // Results: saved, then submitted (late for the second lab); only submitted ones count.
        let mut tx = db.write().await.unwrap();
        for (e, v) in [(e1, 101.5), (e2, 98.0)] {
            let entry = format!(
                r#"{{"reported":{{"kind":"value","value":{v},"replicates":[]}},"u":null,"k":null,"method":null}}"#
            );
            pt::save_results(
                &mut tx,
                e,
                &[SaveResult {
                    measurand_id: ms[0],
                    entry: &entry,
                    value: Some(v),
                }],
                by,
                None,
                now(),
            )
            .await
            .unwrap();
        }
        assert_eq!(
            pt::submit_results(&mut tx, e1, false, now()).await.unwrap(),
            1
        );
        tx.commit().await.unwrap();
        assert_eq!(
            pt::submitted_results(db, round_id, ms[0])
                .await
                .unwrap()
                .len(),
            1,
            "{label}"
        );
        let mut tx = db.write().await.unwrap();
        assert_eq!(
            pt::submit_results(&mut tx, e2, true, now()).await.unwrap(),
            1
        );
        assert_eq!(
            pt::submit_results(&mut tx, e2, true, now()).await.unwrap(),
            0,
            "{label}: once"
        );
        tx.commit().await.unwrap();
        let rs = pt::submitted_results(db, round_id, ms[0]).await.unwrap();
        assert_eq!(
            rs.iter()
                .map(|r| (r.sample_code.as_deref(), r.value, r.late))
                .collect::<Vec<_>>(),
            vec![
                (Some("ABCDEF"), Some(98.0), true),
                (Some("K7M2Q9"), Some(101.5), false)
            ],
            "{label}"
        );

        // Evaluations are numbered per measurand; their scores are kept per version.
        let score = |e, class: &str, z| Score {
            evaluation_id: 0,
            enrolment_id: e,
            score_kind: "z".into(),
            score: Some(z),
            class: class.into(),
            z: Some(z),
            zeta: None,
            en: None,
            late: false,
        };
        let new = NewEvaluation {
            round_id,
            measurand_id: ms[0],
            options: "{}",
            outcome: "{}",
            n: 2,
            assigned: Some(100.0),
            sigma_pt: Some(1.0),
        };
        let mut tx = db.write().await.unwrap();
        let v1 = pt::insert_evaluation(&mut tx, &new, &[score(e1, "satisfactory", 1.5)], by, now())
            .await
            .unwrap();
        let v2 = pt::insert_evaluation(
            &mut tx,
            &new,
            &[
                score(e1, "satisfactory", 1.5),
                score(e2, "questionable", -2.0),
            ],
            by,
            now(),
        )
        .await
        .unwrap();
        pt::release_evaluations(&mut tx, &[v2]).await.unwrap();
        tx.commit().await.unwrap();
        let evs = pt::evaluations(db, round_id).await.unwrap();
        assert_eq!(
            evs.iter()
                .map(|e| (e.id, e.version, e.released))
                .collect::<Vec<_>>(),
            vec![(v1, 1, false), (v2, 2, true)],
            "{label}"
        );
        assert_eq!(pt::scores(db, v2).await.unwrap().len(), 2, "{label}");
        let history = pt::lab_history(db, l2).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| (h.round_code.as_str(), h.class.as_str(), h.version))
                .collect::<Vec<_>>(),
            vec![("GDPT-2022-01", "questionable", 2)],
            "{label}: only released versions"
        );

        // Follow-ups: opened once, moved only from the state they are in.
        let due = (now() + chrono::Duration::days(30)).date_naive();
        let mut tx = db.write().await.unwrap();
        let rows = vec![(e2, ms[0], "questionable".to_owned())];
        pt::open_followups(&mut tx, &rows, due, now())
            .await
            .unwrap();
        pt::open_followups(&mut tx, &rows, due, now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let fs = pt::followups(db, Some(round_id), None).await.unwrap();
        assert_eq!(fs.len(), 1, "{label}");
        let gz = orgs::get_by_code(db, "GD-GZ").await.unwrap();
        assert_eq!(
            pt::followups(db, None, Some(gz.path.as_str()))
                .await
                .unwrap()
                .len(),
            1,
            "{label}: the city's labs"
        );
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        assert!(
            pt::followups(db, None, Some(sh.path.as_str()))
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
        let mut tx = db.write().await.unwrap();
        pt::update_followup(
            &mut tx,
            fs[0].id,
            "open",
            "submitted",
            Some("仪器未校准"),
            Some("重新校准"),
            None,
            now(),
        )
        .await
        .unwrap();
        assert!(matches!(
            pt::update_followup(
                &mut tx,
                fs[0].id,
                "open",
                "submitted",
                None,
                None,
                None,
                now()
            )
            .await,
            Err(StoreError::State("followup_changed"))
        ));
        tx.commit().await.unwrap();
        let f = pt::followup(db, fs[0].id).await.unwrap();
        assert_eq!(
            (f.status.as_str(), f.root_cause.as_deref()),
            ("submitted", Some("仪器未校准")),
            "{label}"
        );

        // Studies are kept per kind.
        let mut tx = db.write().await.unwrap();
        pt::insert_study(
            &mut tx,
            &NewStudy {
                round_id,
                measurand_id: ms[0],
                kind: "homogeneity",
                data: "[]",
                outcome: "{}",
                u: 0.25,
                passed: true,
            },
            by,
            now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let st = pt::studies(db, round_id).await.unwrap();
        assert_eq!(
            (st.len(), st[0].kind.as_str(), st[0].u, st[0].passed),
            (1, "homogeneity", 0.25, true),
            "{label}"
        );
        t.cleanup().await;
    }
}

#[test]
fn sample_codes_are_six_characters_of_the_ticket_alphabet_and_vary() {
    let codes: std::collections::HashSet<String> =
        (0..2000).map(|_| pt::new_sample_code()).collect();
    assert!(
        codes.len() > 1990,
        "random, not sequential: {} distinct of 2000",
        codes.len()
    );
    for c in &codes {
        assert_eq!(c.len(), pt::SAMPLE_CODE_LEN);
        assert!(
            c.bytes()
                .all(|b| renke_domain::activity::TICKET_CODE_ALPHABET.contains(&b)),
            "{c}"
        );
    }
}
