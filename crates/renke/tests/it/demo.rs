use chrono::{TimeZone, Utc};
use renke_domain::demo::{self, DEMO_PASSWORD};
use renke_domain::org::{AdminLevel, OrgKind};
use renke_store::testing::backends;

#[tokio::test]
async fn demo_dataset_loads_and_every_account_can_log_in() {
    let now = Utc.with_ymd_and_hms(2022, 6, 28, 2, 0, 0).unwrap();
    for t in backends().await {
        let db = &t.db;
        let summary = renke::demo::load_demo(db, &renke_app::FileStore::memory(), now)
            .await
            .unwrap();
        assert_eq!(
            summary.orgs,
            demo::orgs().len() + demo::pt::labs().len(),
            "{}: the seeds' organisations and the labs of Guangdong's PT",
            t.label()
        );

        // The publicity materials: three official, six from Guangdong's cities, of which
        // two published by the province; the public zone shows the official ones first.
        assert_eq!(summary.materials, 9, "{}", t.label());
        let app = renke_app::App::new(
            db.clone(),
            renke_domain::clock::Clock::fixed(now),
            renke_app::WebConfig::default(),
        );
        let zone = renke_app::publicity::zone(
            &app,
            None,
            summary.campaign_id,
            &renke_app::publicity::ZoneQuery::default(),
            50,
        )
        .await
        .unwrap();
        let titles: Vec<&str> = zone.page.items.iter().map(|m| m.title.as_str()).collect();
        assert_eq!(titles.len(), 5, "{}: {titles:?}", t.label());
        assert!(
            titles[0].contains("海报") || titles[0].contains("标语"),
            "{titles:?}"
        );
        assert!(titles.iter().any(|t| t.contains("云开放")), "{titles:?}");
        assert!(
            !titles.iter().any(|t| t.contains("佛山日报")),
            "accepted, not published"
        );

        let samr = renke_store::orgs::get_by_code(db, "SAMR").await.unwrap();
        assert!(samr.parent_id.is_none());
        let children = renke_store::orgs::children(db, samr.id, 0, 500)
            .await
            .unwrap();
        let provincial: Vec<_> = children
            .items
            .iter()
            .filter(|n| n.org.admin_level == Some(AdminLevel::Provincial))
            .collect();
        assert_eq!(
            provincial.len(),
            32,
            "{}: provincial bureaus under SAMR",
            t.label()
        );
        assert!(
            provincial
                .iter()
                .any(|n| n.org.name == "新疆生产建设兵团市场监督管理局")
        );

        // The seed notices: SAMR's to every province, Guangdong's relaying it to its cities.
        assert_eq!(summary.notices.len(), 2);
        let st = renke_store::notices::ack_status(db, summary.notices[0])
            .await
            .unwrap();
        let top = st.iter().filter(|r| r.depth == 0).count();
        let cities = st.iter().filter(|r| r.depth == 1).count();
        assert_eq!((top, cities), (32, 21), "{}", t.label());
        // Guangdong and Shanghai; 深圳 (with the notice), 广州, 佛山 and 东莞 (with their
        // submissions, below).
        assert_eq!(st.iter().filter(|r| r.acknowledged_at.is_some()).count(), 6);
        let gd = renke_store::notices::get(db, summary.notices[1])
            .await
            .unwrap();
        assert_eq!(gd.doc_number.as_deref(), Some("粤市监认监〔2022〕253号"));
        assert_eq!(gd.relays_id, Some(summary.notices[0]));
        let public = renke_store::notices::public_for_campaign(db, summary.campaign_id)
            .await
            .unwrap();
        // The two seed notices and Shanghai's, which has no 发文字号 (无文号), as in the seed.
        assert_eq!(public.len(), 3);
        let sh = public
            .iter()
            .find(|n| n.title.starts_with("上海市"))
            .unwrap();
        assert_eq!(sh.doc_number, None);

        // Reporting: Guangdong's relayed task has one unit on time and accepted, one
        // returned, one late, one draft and the rest missing; Shanghai's 活动总结 one on time
        // and one late.
        // SAMR's 764号 asks for three things 及时报送: three tasks without a deadline.
        use renke_domain::demo::tasks::{GUANGDONG_TASK, SHANGHAI_TASK};
        assert_eq!(summary.tasks.len(), 6);
        let news = renke_store::tasks::get(db, summary.tasks[5]).await.unwrap();
        assert!(
            news.kind.is_stream() && news.deadline.is_none(),
            "Shanghai's 信息和新闻稿件: many items, 及时上报"
        );
        let samr_tasks = renke_store::tasks::for_notice(db, summary.notices[0])
            .await
            .unwrap();
        let kinds: Vec<(&str, bool)> = samr_tasks
            .iter()
            .map(|t| (t.kind.as_str(), t.deadline.is_none()))
            .collect();
        assert_eq!(
            kinds,
            [("plan", true), ("progress", true), ("publicity", true)],
            "{}",
            t.label()
        );
        let gd_task = renke_store::tasks::get(db, summary.tasks[GUANGDONG_TASK])
            .await
            .unwrap();
        assert_eq!(
            gd_task.parent_task_id,
            Some(summary.tasks[1]),
            "relays 活动开展情况"
        );
        assert_eq!(
            gd_task.deadline.map(|d| d.shanghai()).as_deref(),
            Some("2022-06-20 23:59")
        );
        assert_eq!(gd_task.submit_to_dept.as_deref(), Some("认监处"));
        let after = Utc.with_ymd_and_hms(2022, 6, 28, 2, 0, 0).unwrap();
        let gd_org = renke_store::orgs::get_by_code(db, "GD").await.unwrap();
        let d = renke_store::tasks::dashboard(
            db,
            renke_store::tasks::Scope::Task(gd_task.id),
            renke_store::tasks::Levels::Direct,
            gd_org.id,
            &gd_org.path,
            after,
        )
        .await
        .unwrap();
        let k = &d.total;
        assert_eq!(
            (
                k.expected,
                k.submitted,
                k.on_time,
                k.late,
                k.accepted,
                k.returned
            ),
            (21, 3, 2, 1, 1, 1),
            "{}",
            t.label()
        );
        assert_eq!(k.missing, 18);
        // SAMR's 活动开展情况 goes to the 32 provinces and Guangdong relays it to its 21
        // cities: 53 recipients over two levels, of which SAMR's dashboard counts its own 32
        // by default.
        let samr = renke_store::orgs::get_by_code(db, "SAMR").await.unwrap();
        let national = |levels| {
            renke_store::tasks::dashboard(
                db,
                renke_store::tasks::Scope::Task(summary.tasks[1]),
                levels,
                samr.id,
                &samr.path,
                after,
            )
        };
        let d = national(renke_store::tasks::Levels::Direct).await.unwrap();
        assert_eq!(d.total.expected, 32, "{}", t.label());
        assert_eq!(d.children.len(), 32, "{}: one row per province", t.label());
        let by_level: Vec<(i32, i64)> = d
            .levels
            .iter()
            .map(|l| (l.depth, l.counts.expected))
            .collect();
        assert_eq!(by_level, [(0, 32), (1, 21)], "{}", t.label());
        let page = renke_store::tasks::recipients(db, &d, renke_store::tasks::Filter::All, 0, 100)
            .await
            .unwrap();
        assert_eq!(page.total, 32, "{}", t.label());
        assert!(page.items.iter().all(|r| r.depth == 0), "{}", t.label());
        let d = national(renke_store::tasks::Levels::All).await.unwrap();
        assert_eq!(d.total.expected, 53, "{}", t.label());
        let sh_task = renke_store::tasks::get(db, summary.tasks[SHANGHAI_TASK])
            .await
            .unwrap();
        assert_eq!(sh_task.notice_id, summary.shanghai_notice);
        assert_eq!(sh_task.length.map(|l| l.target), Some(500));
        assert!(sh_task.paper_required);
        let sh_org = renke_store::orgs::get_by_code(db, "SH").await.unwrap();
        let d = renke_store::tasks::dashboard(
            db,
            renke_store::tasks::Scope::Task(sh_task.id),
            renke_store::tasks::Levels::Direct,
            sh_org.id,
            &sh_org.path,
            after,
        )
        .await
        .unwrap();
        assert_eq!(
            (d.total.submitted, d.total.late, d.total.accepted),
            (2, 1, 1)
        );
        // Shanghai's districts (and the institutions its notice names) in the directory's
        // order, 黄浦 first as the seed lists them, on the dashboard and in the recipient
        // list alike.
        let directory: Vec<String> = renke_domain::demo::orgs()
            .into_iter()
            .filter(|o| o.parent == Some("SH"))
            .map(|o| o.name.to_owned())
            .collect();
        let children: Vec<String> = d.children.iter().map(|c| c.org_name.clone()).collect();
        let in_order: Vec<String> = directory
            .iter()
            .filter(|n| children.contains(n))
            .cloned()
            .collect();
        assert_eq!(children, in_order, "{}", t.label());
        let districts = renke_domain::demo::orgs()
            .into_iter()
            .filter(|o| o.parent == Some("SH") && o.kind == OrgKind::Regulator)
            .count();
        assert_eq!(
            children.len(),
            districts + 3,
            "{}: 17 districts, 临港 and three institutions",
            t.label()
        );
        assert_eq!(children[0], "上海市黄浦区市场监督管理局");
        let page =
            renke_store::tasks::recipients(db, &d, renke_store::tasks::Filter::Missing, 0, 100)
                .await
                .unwrap();
        let listed: Vec<&str> = page.items.iter().map(|r| r.org_name.as_str()).collect();
        let in_directory: Vec<&str> = directory
            .iter()
            .map(String::as_str)
            .filter(|n| listed.contains(n))
            .collect();
        assert_eq!(listed, in_directory, "{}", t.label());

        // 惠州 has demo accounts and has neither acknowledged 253号 nor submitted, so a
        // visitor logging in as gdhz.staff walks 签收 → 报送; done here as the pages do it.
        let hz = renke_store::orgs::get_by_code(db, "GD-HZ").await.unwrap();
        let hz_staff = renke_store::accounts::get_by_login(db, "gdhz.staff")
            .await
            .unwrap();
        let delivery = renke_store::notices::delivery(db, summary.notices[1], hz.id)
            .await
            .unwrap()
            .expect("253号 reaches 惠州");
        assert!(delivery.acknowledged_at.is_none(), "{}", t.label());
        assert!(
            renke_store::tasks::is_recipient(db, gd_task.id, hz.id)
                .await
                .unwrap()
        );
        assert!(
            renke_store::tasks::submission_of(db, gd_task.id, hz.id)
                .await
                .unwrap()
                .is_none()
        );
        let act = renke_domain::perm::Action::Act;
        assert!(
            hz_staff.actor().may(act, &hz.path).is_ok(),
            "staff acts for 惠州"
        );
        renke_store::notices::acknowledge(db, summary.notices[1], hz.id, hz_staff.id, now)
            .await
            .unwrap();
        let content = renke_domain::task::SubmissionInput {
            summary: "惠州市开展认可日宣传活动两场。".into(),
            activities: "2".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let sent = renke_store::tasks::write(
            db,
            &gd_task,
            hz.id,
            &content,
            renke_store::tasks::Write::Submit,
            None,
            renke_store::tasks::FileChanges::NONE,
            hz_staff.id,
            now,
        )
        .await
        .unwrap();
        assert_eq!((sent.status.as_str(), sent.version), ("submitted", 1));

        for a in demo::accounts() {
            let acc = renke_store::accounts::get_by_login(db, a.login)
                .await
                .unwrap();
            assert_eq!(acc.role, a.role);
            assert_eq!(acc.org_code, a.org_code);
            assert!(
                renke_app::auth::verify_password(&acc.password_hash, DEMO_PASSWORD).await,
                "{}: {} cannot log in",
                t.label(),
                a.login
            );
        }
        // The labs taking part in Guangdong's PT have an account each, with the same
        // password (one hash for all).
        let hash = renke_store::accounts::get_by_login(db, "admin")
            .await
            .unwrap()
            .password_hash;
        for a in demo::pt::lab_accounts() {
            let acc = renke_store::accounts::get_by_login(db, &a.login)
                .await
                .unwrap();
            assert_eq!(
                (acc.role, acc.org_code.as_str(), acc.password_hash.as_str()),
                (renke_domain::perm::Role::Staff, a.org_code, hash.as_str()),
                "{}",
                a.login
            );
        }
        assert_eq!(
            renke_store::accounts::count(db).await.unwrap() as usize,
            demo::accounts().len() + demo::pt::lab_accounts().len()
        );

        let c = renke_store::campaigns::get(db, summary.campaign_id)
            .await
            .unwrap();
        assert_eq!(
            c.domestic_theme.as_deref(),
            Some("认证认可检验检测：传递质量信任，服务绿色发展")
        );
        assert_eq!(
            c.international_theme.as_deref(),
            Some("认可：促进经济和环境可持续发展")
        );
        assert_eq!(c.local_themes.len(), 2);
        assert!(c.public);
        let today = chrono::NaiveDate::from_ymd_opt(2022, 5, 20).unwrap();
        let public = renke_store::campaigns::current_public(db, today)
            .await
            .unwrap();
        assert_eq!(public.map(|p| p.id), Some(c.id));
        t.cleanup().await;
    }
}

#[test]
fn the_printed_table_names_every_demo_account_with_its_password() {
    let table = renke::demo::accounts_table();
    for a in demo::accounts() {
        let line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(a.login))
            .unwrap_or_else(|| panic!("{} missing from\n{table}", a.login));
        assert!(line.contains(DEMO_PASSWORD));
        assert!(line.contains(a.role.zh()), "{line}");
        assert!(line.contains(a.org_code), "{line}");
    }
}

#[tokio::test]
async fn demo_has_every_seed_activity_with_organisers_venues_and_sessions() {
    use renke_store::activities::{self, CalendarQuery};
    let now = Utc.with_ymd_and_hms(2022, 6, 28, 2, 0, 0).unwrap();
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        let summary = renke::demo::load_demo(db, &renke_app::FileStore::memory(), now)
            .await
            .unwrap();
        assert_eq!(
            summary.activities, 16,
            "{l}: SAMR 2, Guangdong 6 (viewing, lecture, three PT areas, training), Shanghai 8"
        );
        let q = CalendarQuery {
            campaign_id: Some(summary.campaign_id),
            ..Default::default()
        };
        let (rows, total) = activities::calendar(db, &q).await.unwrap();
        assert_eq!(total, 16, "{l}");
        let find = |title: &str| {
            rows.iter()
                .find(|a| a.title == title)
                .unwrap_or_else(|| panic!("{title}"))
                .id
        };

        // SAMR's main event: two main venues, a branch venue in each province, the test slot.
        let main = activities::get(db, find("第十五个“世界认可日”主场活动"))
            .await
            .unwrap();
        let roles: Vec<_> = main
            .organisers
            .iter()
            .map(|o| (o.role.as_str(), o.name.as_str()))
            .collect();
        assert_eq!(
            roles[..2],
            [
                ("host", "国家市场监督管理总局"),
                ("undertaker", "中国合格评定国家认可中心")
            ],
            "{l}"
        );
        assert_eq!(
            main.venues.iter().filter(|v| v.kind == "main").count(),
            2,
            "{l}"
        );
        assert_eq!(
            main.venues.iter().filter(|v| v.kind == "branch").count(),
            32,
            "{l}: one per provincial bureau"
        );
        assert_eq!(
            main.debug_slots[0].starts_at.to_rfc3339(),
            "2022-06-08T01:00:00+00:00",
            "{l}: 6月8日 09:00"
        );
        assert_eq!(
            activities::board(db, main.row.id).await.unwrap().len(),
            32,
            "{l}"
        );

        // Guangdong: viewing in room 1301 with the listed departments, the lecture, PT, training.
        let viewing = activities::get(db, find("集中收看总局“世界认可日”主场活动"))
            .await
            .unwrap();
        assert_eq!(viewing.venues[0].room.as_deref(), Some("1301会议室"), "{l}");
        let labels: Vec<_> = viewing.venues[0]
            .participants
            .iter()
            .map(|p| p.label.as_str())
            .collect();
        assert!(
            labels.contains(&"计量处负责人")
                && labels.contains(&"认监处全体人员")
                && labels.len() == 11,
            "{l}: {labels:?}"
        );
        assert_eq!(
            viewing.venues.iter().filter(|v| v.kind == "branch").count(),
            21,
            "{l}: the city bureaus"
        );
        let lecture = activities::get(db, find("专题讲座：认证认可：服务绿色发展"))
            .await
            .unwrap();
        assert_eq!(
            lecture.debug_slots[0].starts_at.to_rfc3339(),
            "2022-06-07T06:30:00+00:00",
            "{l}: 6月7日 14:30"
        );
        assert_eq!(
            rows.iter()
                .filter(|a| a.kind == "proficiency_testing")
                .count(),
            3,
            "{l}"
        );
        let qms = activities::get(db, find("全省中小微企业质量管理体系免费培训"))
            .await
            .unwrap();
        assert_eq!(qms.row.schedule().label_zh(), "5月—6月", "{l}");
        assert_eq!(qms.sessions.len(), 6, "{l}");
        assert!(
            qms.sessions.iter().any(|s| s.online_url.is_some())
                && qms
                    .sessions
                    .iter()
                    .any(|s| s.city.as_deref() == Some("汕头")),
            "{l}"
        );
        assert_eq!(
            qms.sessions.iter().map(|s| s.confirmed).sum::<i64>(),
            5,
            "{l}: demo registrations (湛江's on 6月1日 among them)"
        );

        // Shanghai's eight with their 主办 and 承办.
        let sh = renke_store::orgs::get_by_code(db, "SH").await.unwrap();
        let shq = CalendarQuery {
            org_id: Some(sh.id),
            ..Default::default()
        };
        let (sh_rows, _) = activities::calendar(db, &shq).await.unwrap();
        assert_eq!(sh_rows.len(), 8, "{l}");
        let publicity = activities::get(db, find("“传递质量信任，服务绿色发展”线上主题宣传活动"))
            .await
            .unwrap();
        let hosts: Vec<_> = publicity
            .organisers
            .iter()
            .filter(|o| o.role == "host")
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(
            hosts,
            ["上海市市场监督管理局", "上海市浦东新区市场监督管理局"],
            "{l}"
        );
        assert_eq!(
            publicity
                .organisers
                .iter()
                .filter(|o| o.role == "undertaker")
                .count(),
            5,
            "{l}"
        );
        t.cleanup().await;
    }
}

/// `renke demo` by default runs the campaign live from 2022-06-06 09:00 Beijing time: what
/// is stored is what had happened by then, each at its own time in 2022, done by the
/// account that would have done it — no report yet (the first falls due after 世界认可日),
/// 签收 by the bureaus' staff, registration open for the sessions ahead. Earlier clocks,
/// before the seed notices were issued, are refused.
#[tokio::test]
async fn the_default_demo_runs_live_at_its_moment() {
    let clock = renke::demo::parse_clock(renke::demo::DEFAULT_CLOCK).unwrap();
    let now = Utc.with_ymd_and_hms(2022, 6, 6, 1, 0, 0).unwrap();
    let ticked = clock.now() - now;
    assert!(ticked >= chrono::Duration::zero() && ticked < chrono::Duration::seconds(5));
    assert!(matches!(
        renke::demo::parse_clock("now").unwrap(),
        renke_domain::clock::Clock::System
    ));
    let early = renke::demo::parse_clock("2022-05-20T09:00:00+08:00").unwrap_err();
    assert!(
        early.to_string().contains("须不早于 2022-06-02 10:00"),
        "{early}"
    );
    assert!(renke::demo::parse_clock("6月6日").is_err());
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        let summary = renke::demo::load_demo(db, &renke_app::FileStore::memory(), now)
            .await
            .unwrap();
        // Every recorded event lies between the set-up on 1 May and the clock.
        let start = Utc.with_ymd_and_hms(2022, 5, 1, 1, 0, 0).unwrap();
        for (table, column) in [
            ("orgs", "created_at"),
            ("accounts", "created_at"),
            ("campaigns", "created_at"),
            ("notices", "created_at"),
            ("notices", "issued_at"),
            ("notice_deliveries", "delivered_at"),
            ("notice_deliveries", "acknowledged_at"),
            ("tasks", "created_at"),
            ("submissions", "updated_at"),
            ("submission_versions", "submitted_at"),
            ("submission_versions", "decided_at"),
            ("activities", "created_at"),
            ("registrations", "created_at"),
            ("messages", "created_at"),
        ] {
            let sql = format!("SELECT MIN({column}), MAX({column}) FROM {table}");
            let (min, max): (Option<chrono::DateTime<Utc>>, Option<chrono::DateTime<Utc>>) =
                renke_store::on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .fetch_one(p)
                    .await)
                .unwrap();
            if let (Some(min), Some(max)) = (min, max) {
                assert!(
                    start <= min && max <= now,
                    "{l}: {table}.{column} from {min} to {max}"
                );
            }
        }
        // No report has been sent or drafted by 6月6日.
        let versions: i64 = renke_store::on_db!(db, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM submissions"
        )
        .fetch_one(p)
        .await)
        .unwrap();
        assert_eq!(versions, 0, "{l}");
        // 签收 by the bureaus' own staff, never by the administrator; 764号 issued by SAMR's
        // organiser.
        let by: Vec<String> = renke_store::on_db!(db, |p| {
            sqlx::query_scalar(
            "SELECT a.login FROM notice_deliveries d JOIN accounts a ON a.id = d.acknowledged_by \
             ORDER BY a.login"
        )
        .fetch_all(p)
        .await
        })
        .unwrap();
        assert!(
            !by.is_empty() && !by.contains(&"admin".to_owned()),
            "{l}: {by:?}"
        );
        let issuer: String = renke_store::on_db!(db, |p| {
            sqlx::query_scalar(
            "SELECT a.login FROM notices n JOIN accounts a ON a.id = n.issued_by WHERE n.id = $1"
        )
        .bind(summary.notices[0])
        .fetch_one(p)
        .await
        })
        .unwrap();
        assert_eq!(issuer, "samr.organiser", "{l}");
        // Registration is open for the Zhanjiang training on 6月8日.
        let open: i64 = renke_store::on_db!(db, |p| {
            sqlx::query_scalar(
            "SELECT COUNT(*) FROM activity_sessions WHERE title LIKE '%湛江%' AND starts_at > $1"
        )
        .bind(now)
        .fetch_one(p)
        .await
        })
        .unwrap();
        assert_eq!(open, 1, "{l}");
    }
}

/// Guangdong's proficiency testing (253号 一(三)) at the default demo clock, loaded through
/// the use cases: 60 labs in its 21 cities; GDPT-2022-01 released with exactly two
/// follow-ups open (one questionable, one unsatisfactory) after homogeneity and stability
/// studies and an evaluation by Algorithm A with the robust σpt; GDPT-2022-02 taking results
/// with lab.staff's lab approved, its samples received and nothing submitted yet;
/// GDPT-2022-03 in enrolment with invitations, applications and approvals. Every step lies
/// before the earliest moment the demo may start at, so the rounds stand the same at every
/// demo clock.
#[tokio::test]
async fn guangdong_runs_three_pt_rounds_in_three_states() {
    use renke_app::pt as uc;
    use renke_domain::demo::pt::{
        DEMO_LAB, QUESTIONABLE_LAB, UNSATISFACTORY_LAB, lab_accounts, labs, rounds,
    };
    use renke_store::pt as store;
    let now = Utc.with_ymd_and_hms(2022, 6, 6, 1, 0, 0).unwrap();
    let earliest = renke::demo::earliest_clock().unwrap();
    assert_eq!(
        renke_domain::activity::parse_local_datetime("t", renke_domain::demo::pt::DONE_BY).unwrap(),
        earliest,
        "the rounds are done by the earliest demo clock"
    );
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        let started = std::time::Instant::now();
        let summary = renke::demo::load_demo(db, &renke_app::FileStore::memory(), now)
            .await
            .unwrap();
        eprintln!("{l}: demo loaded in {:?}", started.elapsed());
        assert_eq!(summary.orgs, demo::orgs().len() + labs().len(), "{l}");
        assert_eq!(
            summary.accounts,
            demo::accounts().len() + lab_accounts().len(),
            "{l}"
        );
        let app = renke_app::App::new(
            db.clone(),
            renke_domain::clock::Clock::fixed(now),
            renke_app::WebConfig::default(),
        );
        let caller = |login: &'static str| async move {
            renke_app::Caller::from(
                renke_store::accounts::get_by_login(db, login)
                    .await
                    .unwrap(),
            )
        };
        let gd = caller("gd.organiser").await;
        let org_id = |code: &'static str| async move {
            renke_store::orgs::get_by_code(db, code).await.unwrap().id
        };

        // Sixty labs across the 21 cities of Guangdong, the organiser's list of rounds.
        let gd_org = renke_store::orgs::get_by_code(db, "GD").await.unwrap();
        let in_gd = store::provincial_cma_labs(db, gd_org.path.as_str())
            .await
            .unwrap();
        assert_eq!(in_gd.len(), 56, "{l}: provincial CMA in Guangdong");
        let listed: Vec<(String, String)> = uc::rounds(&app, &gd)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.round.code, r.status.as_str().to_owned()))
            .collect();
        let mut listed = listed;
        listed.sort();
        assert_eq!(
            listed,
            [
                ("GDPT-2022-01".to_owned(), "released".to_owned()),
                ("GDPT-2022-02".to_owned(), "testing".to_owned()),
                ("GDPT-2022-03".to_owned(), "enrolment".to_owned()),
            ],
            "{l}"
        );
        assert_eq!(summary.pt_rounds.len(), 3);
        let (r1, r2, r3) = (
            summary.pt_rounds[0],
            summary.pt_rounds[1],
            summary.pt_rounds[2],
        );
        for id in [r1, r2, r3] {
            let r = store::round(db, id).await.unwrap();
            assert_eq!(r.provider_name, "广东省市场监督管理局", "{l}");
            assert_eq!(r.campaign_id, Some(summary.campaign_id), "{l}");
        }
        let plan = rounds();

        // GDPT-2022-01: released; studies passed; one evaluation released; two follow-ups.
        let round = store::round(db, r1).await.unwrap();
        assert_eq!(
            (round.code.as_str(), round.status.as_str()),
            ("GDPT-2022-01", "released"),
            "{l}"
        );
        assert!(
            round
                .released_at
                .is_some_and(|t| t < now && t > round.results_until)
        );
        let studies = uc::studies(&app, &gd, r1).await.unwrap();
        let kinds: Vec<(&str, bool)> = studies
            .iter()
            .map(|s| (s.study.kind.as_str(), s.outcome.passed))
            .collect();
        assert_eq!(kinds, [("homogeneity", true), ("stability", true)], "{l}");
        let evals = uc::evaluations(&app, &gd, r1).await.unwrap();
        assert_eq!(evals.len(), 1, "{l}");
        let released = evals[0].released.as_ref().expect("released evaluation");
        assert_eq!(released.options.assigned, "algorithm_a");
        assert_eq!(released.options.sigma, "robust");
        let o = &released.outcome;
        let reported = plan[0]
            .enrolments
            .iter()
            .filter(|e| e.results.iter().any(|x| !x.value.is_empty()))
            .count();
        assert_eq!(o.n, reported, "{l}: every value reported is evaluated");
        let x = o.assigned.unwrap();
        let sigma = o.sigma_pt.unwrap();
        assert!(
            (490.0..510.0).contains(&x) && (5.0..25.0).contains(&sigma),
            "{l}: {x} {sigma}"
        );
        let (approved, submitted) = store::submission_counts(db, r1).await.unwrap();
        let invited = store::enrolments(db, r1).await.unwrap().len() as i64;
        assert!(
            submitted * 2 > invited && submitted < approved,
            "{l}: results from most invited labs ({submitted} of {invited}, {approved} approved)"
        );
        assert_eq!(
            o.rows.iter().filter(|r| r.late).count(),
            1,
            "{l}: one late result, scored"
        );
        let doubtful: Vec<(&str, &str)> = o
            .rows
            .iter()
            .filter_map(|r| {
                r.class
                    .filter(|c| c.needs_follow_up())
                    .map(|c| (r.sample_code.as_str(), c.as_str()))
            })
            .collect();
        assert_eq!(doubtful.len(), 2, "{l}: {doubtful:?}");
        let follow = uc::followups(&app, &gd, Some(r1)).await.unwrap();
        let mut open: Vec<(i64, &str, &str, String)> = follow
            .iter()
            .map(|f| {
                (
                    f.followup.lab_org_id,
                    f.followup.class.as_str(),
                    f.status.as_str(),
                    f.followup.due_on.to_string(),
                )
            })
            .collect();
        open.sort_by_key(|f| f.1);
        assert_eq!(
            open,
            [
                (
                    org_id(QUESTIONABLE_LAB).await,
                    "questionable",
                    "open",
                    "2022-06-30".to_owned()
                ),
                (
                    org_id(UNSATISFACTORY_LAB).await,
                    "unsatisfactory",
                    "open",
                    "2022-06-30".to_owned()
                ),
            ],
            "{l}"
        );
        // 惠州's bureau sees its lab's follow-up, and only that.
        let hz = caller("gdhz.organiser").await;
        let seen: Vec<i64> = uc::followups(&app, &hz, None)
            .await
            .unwrap()
            .iter()
            .map(|f| f.followup.lab_org_id)
            .collect();
        assert_eq!(seen, [org_id(UNSATISFACTORY_LAB).await], "{l}");
        // lab.staff's lab took part and sees its released, satisfactory outcome.
        let staff = caller("lab.staff").await;
        let mine = store::enrolment_of(db, r1, org_id(DEMO_LAB).await)
            .await
            .unwrap()
            .unwrap();
        let (_, _, outcomes) = uc::lab_outcomes(&app, &staff, mine.id).await.unwrap();
        assert_eq!(
            outcomes[0]
                .row
                .as_ref()
                .and_then(|r| r.class)
                .map(|c| c.as_str()),
            Some("satisfactory"),
            "{l}"
        );

        // GDPT-2022-02: results coming in; lab.staff's lab approved, samples received, its
        // results awaited.
        let round = store::round(db, r2).await.unwrap();
        assert_eq!(
            (round.code.as_str(), round.status.as_str()),
            ("GDPT-2022-02", "testing"),
            "{l}"
        );
        assert!(round.results_until > now, "{l}");
        let view = uc::round_view(&app, &staff, r2).await.unwrap();
        let mine = view.mine.expect("lab.staff's lab is enrolled");
        assert_eq!(mine.enrolment.status, "approved", "{l}");
        assert!(mine.enrolment.sample_code.is_some(), "{l}");
        assert_eq!(mine.measurand_ids.len(), 3, "{l}");
        assert!(
            mine.dispatches.len() == 1 && mine.dispatches[0].received_at.is_some(),
            "{l}"
        );
        let (_, results) = uc::results_of(&app, &staff, mine.enrolment.id)
            .await
            .unwrap();
        assert!(results.is_empty(), "{l}: nothing entered yet");
        // lab.staff's home lists what its lab has to do: GDPT-2022-02's results (its samples
        // are received) and GDPT-2022-03's invitation; lab.viewer, who does not act for the
        // lab, has nothing to do.
        let mut todo: Vec<(&str, String, String)> = uc::my_tasks(&app, &staff)
            .await
            .unwrap()
            .into_iter()
            .map(|t| (t.kind, t.round_code, t.link))
            .collect();
        todo.sort();
        assert_eq!(
            todo,
            [
                (
                    "answer_invitation",
                    "GDPT-2022-03".to_owned(),
                    format!("/pt/rounds/{r3}")
                ),
                (
                    "submit_results",
                    "GDPT-2022-02".to_owned(),
                    format!("/pt/enrolments/{}/results", mine.enrolment.id)
                ),
            ],
            "{l}"
        );
        let viewer = caller("lab.viewer").await;
        assert!(uc::my_tasks(&app, &viewer).await.unwrap().is_empty(), "{l}");
        let view = uc::round_view(&app, &gd, r2).await.unwrap();
        let dispatched = view
            .enrolments
            .iter()
            .filter(|e| !e.dispatches.is_empty())
            .count();
        let received = view
            .enrolments
            .iter()
            .filter(|e| e.dispatches.iter().any(|d| d.received_at.is_some()))
            .count();
        assert!(
            dispatched > received && received > 0,
            "{l}: {dispatched} {received}"
        );
        assert!(view.enrolments.iter().any(|e| e.receipt_overdue), "{l}");
        let mut saved = 0;
        let mut submitted = 0;
        for e in &view.enrolments {
            let rows = store::results_of(db, e.enrolment.id).await.unwrap();
            saved += usize::from(!rows.is_empty());
            submitted += usize::from(rows.iter().any(|r| r.submitted_at.is_some()));
        }
        assert!(
            saved > submitted && submitted > 0,
            "{l}: {saved} {submitted}"
        );
        assert_eq!(view.submitted, submitted as i64, "{l}");
        let studies = uc::studies(&app, &gd, r2).await.unwrap();
        assert_eq!(studies.len(), 3, "{l}: homogeneity of each measurand");

        // GDPT-2022-03: enrolment open; invited, applied and approved labs; lab.staff's lab
        // invited and free to apply.
        let round = store::round(db, r3).await.unwrap();
        assert_eq!(
            (round.code.as_str(), round.status.as_str()),
            ("GDPT-2022-03", "enrolment"),
            "{l}"
        );
        assert!(round.enrol_until > now, "{l}");
        let mut states: std::collections::BTreeMap<String, usize> = Default::default();
        for e in store::enrolments(db, r3).await.unwrap() {
            *states.entry(e.status).or_default() += 1;
        }
        assert!(
            ["invited", "applied", "approved"]
                .iter()
                .all(|s| states.get(*s).is_some_and(|n| *n > 0)),
            "{l}: {states:?}"
        );
        let organiser = caller("lab.organiser").await;
        let view = uc::round_view(&app, &organiser, r3).await.unwrap();
        assert_eq!(
            view.mine.map(|m| m.enrolment.status).as_deref(),
            Some("invited"),
            "{l}"
        );
        assert!(view.may_apply, "{l}");

        // Every step before the earliest demo clock, none before the set-up.
        let start = Utc.with_ymd_and_hms(2022, 5, 1, 1, 0, 0).unwrap();
        for (table, column) in [
            ("pt_schemes", "created_at"),
            ("pt_rounds", "created_at"),
            ("pt_rounds", "released_at"),
            ("pt_enrolments", "created_at"),
            ("pt_enrolments", "applied_at"),
            ("pt_enrolments", "decided_at"),
            ("pt_dispatches", "created_at"),
            ("pt_dispatches", "received_at"),
            ("pt_results", "saved_at"),
            ("pt_results", "submitted_at"),
            ("pt_studies", "created_at"),
            ("pt_evaluations", "created_at"),
            ("pt_followups", "created_at"),
        ] {
            let sql = format!("SELECT MIN({column}), MAX({column}) FROM {table}");
            let (min, max): (Option<chrono::DateTime<Utc>>, Option<chrono::DateTime<Utc>>) =
                renke_store::on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                    .fetch_one(p)
                    .await)
                .unwrap();
            let (min, max) = (min.unwrap(), max.unwrap());
            assert!(
                start <= min && max < earliest,
                "{l}: {table}.{column} from {min} to {max}"
            );
        }
        t.cleanup().await;
    }
}
