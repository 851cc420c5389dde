//! Activities: registration to capacity, the last place under 50 concurrent registrations,
//! waiting-list promotion exactly once, duplicates, capacity changes, idempotent check-ins
//! and branch-venue readiness — on every backend.

use crate::fixtures::{now, tree};
use chrono::Duration;
use renke_domain::activity::{
    ActivityInput, Readiness, RegistrationDraft, RegistrationInput, SessionInput,
};
use renke_domain::campaign::CampaignInput;
use renke_store::activities::{self, CapacityChange, CheckReport, CheckinOutcome, RegisterOutcome};
use renke_store::testing::backends;
use renke_store::{Db, StoreError, campaigns, orgs};

pub(crate) async fn activity_with_session(db: &Db, capacity: &str) -> (i64, i64) {
    let n = orgs::get_by_code(db, "N").await.unwrap();
    let gd = orgs::get_by_code(db, "GD").await.unwrap();
    let c = CampaignInput {
        title: "第十五个世界认可日".into(),
        day: "2022-06-09".into(),
        owner_org_id: n.id,
        public: true,
        ..Default::default()
    };
    let c = campaigns::create(db, &c.validate().unwrap(), now())
        .await
        .unwrap();
    let a = ActivityInput {
        campaign_id: c.id,
        owner_org_id: gd.id,
        kind: "training".into(),
        title: "全省中小微企业质量管理体系免费培训".into(),
        organisers: vec![("host".into(), Some(gd.id), String::new())],
        schedule_kind: "period".into(),
        period_from: "2022-05-01".into(),
        period_to: "2022-06-30".into(),
        period_label: "5月—6月".into(),
        mode: "hybrid".into(),
        audience_roles: vec!["company_head".into(), "quality_manager".into()],
        form_fields: vec!["name".into(), "company".into(), "phone".into()],
        public: true,
        ..Default::default()
    };
    let id = activities::create(db, &a.validate().unwrap(), &Default::default(), None, now())
        .await
        .unwrap();
    let s = SessionInput {
        title: "广州片区现场培训".into(),
        starts_at: "2022-06-15 09:00".into(),
        ends_at: "2022-06-15 12:00".into(),
        capacity: capacity.into(),
        city: "广州".into(),
        ..Default::default()
    };
    let sid = activities::add_session(db, id, &s.validate().unwrap())
        .await
        .unwrap();
    (id, sid)
}

pub(crate) fn person(i: usize) -> RegistrationDraft {
    RegistrationInput {
        name: format!("学员{i}"),
        company: "某某电器有限公司".into(),
        phone: format!("1380000{i:04}"),
        audience_role: "quality_manager".into(),
        ..Default::default()
    }
    .validate(&[], &[])
    .unwrap()
}

pub(crate) async fn register(db: &Db, sid: i64, i: usize) -> RegisterOutcome {
    activities::register(db, sid, &person(i), None, now())
        .await
        .unwrap()
}

fn status(o: &RegisterOutcome) -> String {
    match o {
        RegisterOutcome::Registered(r) => r.status.as_str().to_owned(),
        RegisterOutcome::Closed { .. } => "closed".into(),
        RegisterOutcome::Duplicate => "duplicate".into(),
    }
}

#[tokio::test]
async fn registration_up_to_capacity_then_waiting_list() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "3").await;
        let mut got = Vec::new();
        for i in 0..5 {
            got.push(status(&register(db, sid, i).await));
        }
        assert_eq!(
            got,
            ["confirmed", "confirmed", "confirmed", "waiting", "waiting"],
            "{l}"
        );
        let s = activities::session(db, sid).await.unwrap();
        assert_eq!(
            (s.confirmed, s.waiting, s.places_left()),
            (3, 2, Some(0)),
            "{l}"
        );
        let regs = activities::registrations(db, sid).await.unwrap();
        assert_eq!(regs[4].queue_position, 2, "{l}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn fifty_concurrent_registrations_for_the_last_place() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "10").await;
        for i in 0..9 {
            register(db, sid, i).await;
        }
        let mut tasks = Vec::new();
        for i in 100..150 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                activities::register(&db, sid, &person(i), None, now()).await
            }));
        }
        let mut confirmed = 0;
        let mut waiting = 0;
        for task in tasks {
            match task.await.unwrap().unwrap() {
                RegisterOutcome::Registered(r) if r.status.as_str() == "confirmed" => {
                    confirmed += 1
                }
                RegisterOutcome::Registered(r) if r.status.as_str() == "waiting" => waiting += 1,
                other => panic!("{l}: {other:?}"),
            }
        }
        assert_eq!((confirmed, waiting), (1, 49), "{l}");
        let s = activities::session(db, sid).await.unwrap();
        assert_eq!(
            (s.confirmed, s.waiting),
            (10, 49),
            "{l}: never over capacity"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn cancellation_promotes_exactly_once() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "2").await;
        let mut ids = Vec::new();
        for i in 0..4 {
            match register(db, sid, i).await {
                RegisterOutcome::Registered(r) => ids.push(r.id),
                other => panic!("{other:?}"),
            }
        }
        // The same cancellation sent ten times at once: one succeeds, one promotion.
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let db = db.clone();
            let id = ids[0];
            tasks.push(tokio::spawn(async move {
                activities::cancel(&db, id, now()).await
            }));
        }
        let mut ok = Vec::new();
        let mut refused = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(p) => ok.push(p),
                Err(StoreError::State("already_cancelled")) => refused += 1,
                Err(e) => panic!("{l}: {e}"),
            }
        }
        assert_eq!(
            ok,
            [Some(ids[2])],
            "{l}: the first waiting is promoted once"
        );
        assert_eq!(refused, 9, "{l}");
        let promoted = activities::registration(db, ids[2]).await.unwrap();
        assert_eq!(promoted.status.as_str(), "confirmed", "{l}");
        assert!(promoted.promoted_at.is_some(), "{l}");
        let still = activities::registration(db, ids[3]).await.unwrap();
        assert_eq!(
            (still.status.as_str(), still.queue_position),
            ("waiting", 1),
            "{l}"
        );
        assert_eq!(
            activities::message_count(db, sid, "promoted")
                .await
                .unwrap(),
            1,
            "{l}: one promotion e-mail queued"
        );
        let s = activities::session(db, sid).await.unwrap();
        assert_eq!((s.confirmed, s.waiting), (2, 1), "{l}");
        // Cancelling from the waiting list promotes nobody.
        assert_eq!(
            activities::cancel(db, ids[3], now()).await.unwrap(),
            None,
            "{l}"
        );
        assert_eq!(
            activities::message_count(db, sid, "promoted")
                .await
                .unwrap(),
            1
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_cancellations_and_registrations_keep_the_count() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "5").await;
        let mut ids = Vec::new();
        for i in 0..15 {
            if let RegisterOutcome::Registered(r) = register(db, sid, i).await {
                ids.push(r.id);
            }
        }
        let mut tasks = Vec::new();
        for id in ids.iter().take(5).copied() {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                activities::cancel(&db, id, now()).await.map(|_| ())
            }));
        }
        for i in 100..110 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                activities::register(&db, sid, &person(i), None, now())
                    .await
                    .map(|_| ())
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let s = activities::session(db, sid).await.unwrap();
        assert_eq!(s.confirmed, 5, "{l}: five places, five confirmed");
        assert_eq!(s.waiting, 15, "{l}");
        assert_eq!(
            activities::message_count(db, sid, "promoted")
                .await
                .unwrap(),
            5,
            "{l}: one promotion per freed place"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn duplicate_registration_is_refused() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "").await;
        let first = register(db, sid, 7).await;
        assert_eq!(status(&first), "confirmed", "{l}");
        // The same name with the same number, written another way: the same person.
        let again = RegistrationInput {
            name: "学员 7".into(),
            company: "某某电器有限公司".into(),
            phone: "+86 138-0000-0007".into(),
            audience_role: "quality_manager".into(),
            ..Default::default()
        }
        .validate(&[], &[])
        .unwrap();
        let second = activities::register(db, sid, &again, None, now())
            .await
            .unwrap();
        assert!(
            matches!(second, RegisterOutcome::Duplicate),
            "{l}: {second:?}"
        );
        assert_eq!(
            activities::session(db, sid).await.unwrap().confirmed,
            1,
            "{l}"
        );
        // A colleague on the same switchboard number is someone else.
        let mut colleague = person(7);
        colleague.name = renke_domain::text::Line::parse("name", "另一个名字", 50).unwrap();
        let third = activities::register(db, sid, &colleague, None, now())
            .await
            .unwrap();
        assert_eq!(status(&third), "confirmed", "{l}: {third:?}");
        if let RegisterOutcome::Registered(r) = third {
            activities::cancel(db, r.id, now()).await.unwrap();
        }
        // After cancelling, the same person may register again.
        if let RegisterOutcome::Registered(r) = first {
            activities::cancel(db, r.id, now()).await.unwrap();
        }
        assert_eq!(status(&register(db, sid, 7).await), "confirmed", "{l}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn registration_after_closing_and_capacity_below_registrations() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "3").await;
        for i in 0..3 {
            register(db, sid, i).await;
        }
        register(db, sid, 3).await;
        let late = now() + Duration::days(30);
        let r = activities::register(db, sid, &person(9), None, late)
            .await
            .unwrap();
        assert!(matches!(r, RegisterOutcome::Closed { .. }), "{l}: {r:?}");
        let s = activities::session(db, sid).await.unwrap();
        assert_eq!((s.confirmed, s.waiting), (3, 1), "{l}: nothing stored");

        let c = activities::set_capacity(db, sid, Some(2), now())
            .await
            .unwrap();
        assert_eq!(
            c,
            CapacityChange::BelowRegistrations { confirmed: 3 },
            "{l}"
        );
        assert_eq!(
            activities::session(db, sid).await.unwrap().capacity,
            Some(3),
            "{l}"
        );
        // Raising it promotes the waiting list into the new place.
        let c = activities::set_capacity(db, sid, Some(5), now())
            .await
            .unwrap();
        assert!(
            matches!(c, CapacityChange::Changed { ref promoted } if promoted.len() == 1),
            "{l}: {c:?}"
        );
        let s = activities::session(db, sid).await.unwrap();
        assert_eq!((s.capacity, s.confirmed, s.waiting), (Some(5), 4, 0), "{l}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn offline_check_ins_sync_without_double_counting() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "2").await;
        let mut tickets = Vec::new();
        for i in 0..3 {
            if let RegisterOutcome::Registered(r) = register(db, sid, i).await {
                tickets.push(r.ticket);
            }
        }
        let at = now() + Duration::days(14);
        // Phone A queued two check-ins offline and sends its queue twice (a retry after a
        // lost answer); phone B checks in the first person again with its own id.
        let queue = [("a-0000-0001", &tickets[0]), ("a-0000-0002", &tickets[1])];
        let mut outcomes = Vec::new();
        for _ in 0..2 {
            for (cid, ticket) in queue {
                outcomes.push(
                    activities::check_in(db, sid, cid, ticket, "qr", at, None, at)
                        .await
                        .unwrap(),
                );
            }
        }
        use CheckinOutcome::*;
        assert_eq!(outcomes, [Recorded, Recorded, Repeated, Repeated], "{l}");
        let b = activities::check_in(db, sid, "b-0000-0001", &tickets[0], "list", at, None, at)
            .await
            .unwrap();
        assert_eq!(b, AlreadyCheckedIn, "{l}");
        // The waiting person holds no place and cannot check in.
        let w = activities::check_in(db, sid, "a-0000-0003", &tickets[2], "qr", at, None, at).await;
        assert!(
            matches!(w, Err(StoreError::State("not_confirmed"))),
            "{l}: {w:?}"
        );
        // Concurrent sync of the same queue from two tabs counts once.
        let mut tasks = Vec::new();
        for k in 0..10 {
            let db = db.clone();
            let ticket = tickets[1].clone();
            tasks.push(tokio::spawn(async move {
                activities::check_in(
                    &db,
                    sid,
                    &format!("c-0000-000{}", k % 2),
                    &ticket,
                    "qr",
                    at,
                    None,
                    at,
                )
                .await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let s = activities::session(db, sid).await.unwrap();
        assert_eq!(s.checked_in, 2, "{l}: two people, two attendance records");
        let regs = activities::registrations(db, sid).await.unwrap();
        assert!(
            regs[0].checked_in_at.is_some() && regs[1].checked_in_at.is_some(),
            "{l}"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn branch_venues_from_a_list_and_their_readiness() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (aid, _) = activity_with_session(db, "").await;
        let n = orgs::get_by_code(db, "N").await.unwrap();
        let provinces = activities::children_of_kind(db, n.id, "regulator")
            .await
            .unwrap();
        assert_eq!(provinces.len(), 2, "{l}");
        assert_eq!(
            activities::add_branch_venues(db, aid, &provinces)
                .await
                .unwrap(),
            2,
            "{l}"
        );
        assert_eq!(
            activities::add_branch_venues(db, aid, &provinces)
                .await
                .unwrap(),
            0,
            "{l}: one branch venue per organisation"
        );
        let t1 = now() + Duration::days(6);
        let slot = activities::add_debug_slot(db, aid, "总局视频会议系统调试", t1)
            .await
            .unwrap();
        let board = activities::board(db, aid).await.unwrap();
        assert_eq!(board.len(), 2, "{l}");
        assert!(board.iter().all(|r| r.readiness == "pending"), "{l}");
        let gd_venue = board
            .iter()
            .find(|r| r.venue_name == "广东省市场监督管理局")
            .unwrap()
            .venue_id;
        let report = CheckReport {
            readiness: Readiness::Ready,
            test_confirmed: true,
            technician_name: Some("测试技术员".into()),
            technician_phone: Some("020-00000000".into()),
            note: None,
        };
        activities::report_check(db, gd_venue, slot, &report, account(db).await, t1)
            .await
            .unwrap();
        let not_ready = CheckReport {
            readiness: Readiness::NotReady,
            test_confirmed: false,
            note: Some("音频无输出".into()),
            ..report.clone()
        };
        let sh_venue = board
            .iter()
            .find(|r| r.venue_name != "广东省市场监督管理局")
            .unwrap()
            .venue_id;
        let by = account(db).await;
        activities::report_check(db, sh_venue, slot, &not_ready, by, t1)
            .await
            .unwrap();
        // A later report replaces the earlier one.
        activities::report_check(
            db,
            sh_venue,
            slot,
            &CheckReport {
                readiness: Readiness::Ready,
                test_confirmed: true,
                ..not_ready.clone()
            },
            by,
            t1,
        )
        .await
        .unwrap();
        let board = activities::board(db, aid).await.unwrap();
        let states: Vec<_> = board
            .iter()
            .map(|r| (r.readiness.as_str(), r.test_confirmed))
            .collect();
        assert_eq!(states, [("ready", true), ("ready", true)], "{l}");
        assert_eq!(
            board[0].technician_name.as_deref(),
            Some("测试技术员"),
            "{l}"
        );
        // A slot of another activity is refused.
        let (other, _) = activity_with_session(db, "").await;
        let foreign = activities::add_debug_slot(db, other, "x", t1)
            .await
            .unwrap();
        assert!(matches!(
            activities::report_check(db, gd_venue, foreign, &report, by, t1).await,
            Err(StoreError::NotFound)
        ));
        t.cleanup().await;
    }
}

async fn account(db: &Db) -> i64 {
    use renke_domain::perm::Role;
    use renke_store::accounts::{self, NewAccount};
    let login = format!("tech{}", activities::new_ticket());
    let a = NewAccount {
        login: renke_domain::account::Login::parse("login", &login[..20]).unwrap(),
        display_name: "技术员".into(),
        org_code: "GD".into(),
        role: Role::Staff,
        email: None,
        phone: None,
        password_hash: "hash".into(),
    };
    accounts::create(db, &a, now()).await.unwrap().id
}

/// One batch: places in order of the batch, the rest waiting with their positions, a
/// person already registered and a person twice in the batch each refused once, and the
/// registrations answered are exactly the ones stored.
#[tokio::test]
async fn a_batch_of_registrations_in_one_transaction() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let (_, sid) = activity_with_session(db, "3").await;
        register(db, sid, 0).await;
        let batch: Vec<_> = [1, 0, 2, 3, 2, 4]
            .into_iter()
            .map(|i| (person(i), None))
            .collect();
        let out = activities::register_many(db, sid, &batch, now())
            .await
            .unwrap();
        let got: Vec<String> = out.iter().map(status).collect();
        assert_eq!(
            got,
            [
                "confirmed",
                "duplicate",
                "confirmed",
                "waiting",
                "duplicate",
                "waiting"
            ],
            "{l}"
        );
        let stored = activities::registrations(db, sid).await.unwrap();
        assert_eq!(stored.len(), 5, "{l}: nothing extra stored");
        for o in &out {
            if let RegisterOutcome::Registered(r) = o {
                let s = stored.iter().find(|s| s.id == r.id).unwrap();
                assert_eq!(
                    (&s.status, &s.name, &s.phone, &s.ticket, s.queue_position),
                    (&r.status, &r.name, &r.phone, &r.ticket, r.queue_position),
                    "{l}"
                );
            }
        }
        let positions: Vec<i64> = stored.iter().map(|s| s.queue_position).collect();
        assert_eq!(positions, [0, 0, 0, 1, 2], "{l}");
        let late = activities::register_many(
            db,
            sid,
            &[(person(8), None), (person(9), None)],
            now() + Duration::days(30),
        )
        .await
        .unwrap();
        assert!(
            late.iter()
                .all(|o| matches!(o, RegisterOutcome::Closed { .. })),
            "{l}: {late:?}"
        );
        assert_eq!(
            activities::registrations(db, sid).await.unwrap().len(),
            5,
            "{l}"
        );
        t.cleanup().await;
    }
}
