use crate::fixtures::{code, now, planner_rows, tree};
use chrono::Duration;
use renke_domain::notice::{NoticeInput, NoticeStatus, RecipientSpec};
use renke_domain::org::OrgKind;
use renke_domain::perm::Role;
use renke_domain::task::TaskInput;
use renke_domain::text::Line;
use renke_store::StoreError;
use renke_store::accounts::{self, NewAccount};
use renke_store::notices;
use renke_store::orgs;
use renke_store::tasks;
use renke_store::testing::backends;

pub(crate) async fn account(db: &renke_store::Db, login: &str, org: &str) -> i64 {
    let a = NewAccount {
        login: renke_domain::account::Login::parse("login", login).unwrap(),
        display_name: format!("{login} 用户"),
        org_code: org.into(),
        role: Role::Organiser,
        email: None,
        phone: None,
        password_hash: "hash".into(),
    };
    accounts::create(db, &a, now()).await.unwrap().id
}

/// A notice from `issuer` to `recipients`, issued by `by`, with a summary task due
/// 2022-06-20 17:00 sent back to the issuer.
pub(crate) async fn summary_task(
    db: &renke_store::Db,
    issuer: i64,
    by: i64,
    doc: &str,
    recipients: &[i64],
) -> tasks::Task {
    let specs = recipients
        .iter()
        .map(|org_id| RecipientSpec {
            org_id: *org_id,
            children_kind: None,
            label: None,
        })
        .collect();
    let d = input(issuer, doc, specs);
    let notice = notices::create(db, &d.validate().unwrap(), by, None, now())
        .await
        .unwrap();
    notices::issue(db, notice.id, by, now()).await.unwrap();
    let task = TaskInput {
        kind: "summary".into(),
        title: "活动总结".into(),
        deadline: "2022-06-20 17:00".into(),
        submit_to_org_id: issuer,
        ..Default::default()
    }
    .validate(now(), None)
    .unwrap();
    tasks::create(db, notice.id, None, &task, by, now())
        .await
        .unwrap()
}

pub(crate) fn input(issuer: i64, doc: &str, recipients: Vec<RecipientSpec>) -> NoticeInput {
    NoticeInput {
        issuer_org_id: issuer,
        doc_number: doc.into(),
        title: "关于组织开展第十五个“世界认可日”活动的通知".into(),
        recipients,
        body: "一、总体安排\n（一）主场活动\n正文。".into(),
        attachments: vec!["活动方案".into()],
        written_on: "2022-05-27".into(),
        contacts: vec![renke_domain::notice::ContactInput {
            name: "张三".into(),
            phone: "010-12345678".into(),
            email: "zhangsan@example.cn".into(),
        }],
        ..Default::default()
    }
}

fn children(org: i64, label: &str) -> RecipientSpec {
    RecipientSpec {
        org_id: org,
        children_kind: Some(OrgKind::Regulator),
        label: Line::parse("label", label, 100).ok(),
    }
}

#[tokio::test]
async fn issue_deliver_acknowledge_relay_and_correct() {
    for t in backends().await {
        let db = &t.db;
        let l = t.label();
        tree(db).await;
        let n = orgs::get_by_code(db, "N").await.unwrap();
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        let sz = orgs::get_by_code(db, "GD-SZ").await.unwrap();
        let gz = orgs::get_by_code(db, "GD-GZ").await.unwrap();
        let samr = account(db, "samr", "N").await;
        let gd_user = account(db, "gd.user", "GD").await;
        let sz_user = account(db, "sz.user", "GD-SZ").await;

        // SAMR drafts to every provincial bureau (a group) and edits the draft.
        let draft = input(
            n.id,
            "市监认证函 [2022] 764号",
            vec![children(n.id, "各省、自治区、直辖市市场监管局")],
        );
        let national = notices::create(db, &draft.validate().unwrap(), samr, None, now())
            .await
            .unwrap();
        assert_eq!(
            national.doc_number.as_deref(),
            Some("市监认证函〔2022〕764号")
        );
        assert_eq!(national.status, NoticeStatus::Draft);
        assert_eq!(
            national.recipients[0].children_kind,
            Some(OrgKind::Regulator)
        );
        assert_eq!(national.contacts[0].name.as_deref(), Some("张三"));
        let mut edit = draft.clone();
        edit.title = "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知".into();
        let national = notices::update(db, national.id, &edit.validate().unwrap(), now())
            .await
            .unwrap();
        assert!(national.title.starts_with("市场监管总局办公厅"));
        assert!(
            notices::inbox(db, gd.id, 0, 50)
                .await
                .unwrap()
                .0
                .items
                .is_empty(),
            "{l}: a draft is delivered nowhere"
        );

        // Issue: both provinces get it, in one go.
        let t1 = now() + Duration::hours(1);
        assert_eq!(
            notices::issue(db, national.id, samr, t1).await.unwrap(),
            2,
            "{l}"
        );
        let again = notices::issue(db, national.id, samr, t1).await.unwrap_err();
        assert!(
            matches!(again, StoreError::State("notice_issued")),
            "{l}: {again:?}"
        );
        let locked = notices::update(db, national.id, &edit.validate().unwrap(), t1)
            .await
            .unwrap_err();
        assert!(
            matches!(locked, StoreError::State("notice_issued")),
            "{l}: {locked:?}"
        );
        let (inbox, open) = notices::inbox(db, gd.id, 0, 50).await.unwrap();
        assert_eq!((inbox.total, open), (1, 1), "{l}");
        assert_eq!(inbox.items[0].notice.id, national.id);

        // Guangdong acknowledges; twice is refused; Shenzhen is not a recipient.
        let t2 = t1 + Duration::hours(2);
        notices::acknowledge(db, national.id, gd.id, gd_user, t2)
            .await
            .unwrap();
        let twice = notices::acknowledge(db, national.id, gd.id, gd_user, t2)
            .await
            .unwrap_err();
        assert!(
            matches!(twice, StoreError::State("already_acknowledged")),
            "{l}"
        );
        let stranger = notices::acknowledge(db, national.id, sz.id, sz_user, t2)
            .await
            .unwrap_err();
        assert!(
            matches!(stranger, StoreError::State("not_a_recipient")),
            "{l}"
        );
        let d = notices::delivery(db, national.id, gd.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(d.acknowledged_at, Some(t2));
        assert_eq!(d.acknowledged_by, Some(gd_user));
        assert!(notices::reached(db, national.id, gd.id).await.unwrap());
        assert!(!notices::reached(db, national.id, sz.id).await.unwrap());

        // Guangdong relays it to its city bureaus; Shenzhen relays again to its districts.
        let relay = input(
            gd.id,
            "粤市监认监〔2022〕253号",
            vec![children(gd.id, "各地级以上市市场监管局")],
        );
        let gd_notice = notices::create(
            db,
            &relay.validate().unwrap(),
            gd_user,
            Some(national.id),
            t2,
        )
        .await
        .unwrap();
        assert_eq!(gd_notice.relays_id, Some(national.id));
        assert_eq!(
            notices::issue(db, gd_notice.id, gd_user, t2).await.unwrap(),
            2,
            "{l}"
        );
        notices::acknowledge(db, gd_notice.id, sz.id, sz_user, t2)
            .await
            .unwrap();
        let city = input(sz.id, "深市监〔2022〕1号", vec![children(sz.id, "各区局")]);
        let sz_notice = notices::create(
            db,
            &city.validate().unwrap(),
            sz_user,
            Some(gd_notice.id),
            t2,
        )
        .await
        .unwrap();
        assert_eq!(
            notices::issue(db, sz_notice.id, sz_user, t2).await.unwrap(),
            1
        );

        // The national notice now reaches Shenzhen and its districts through the relays,
        // and no one else.
        let futian = orgs::get_by_code(db, "GD-SZ-FT").await.unwrap();
        assert!(notices::reached(db, national.id, sz.id).await.unwrap());
        assert!(notices::reached(db, national.id, futian.id).await.unwrap());
        assert!(notices::reached(db, gd_notice.id, futian.id).await.unwrap());
        assert!(!notices::reached(db, sz_notice.id, gd.id).await.unwrap());

        // The chain both ways, from any notice.
        let up: Vec<i64> = notices::chain_up(db, sz_notice.id)
            .await
            .unwrap()
            .iter()
            .map(|c| c.notice.id)
            .collect();
        assert_eq!(up, [gd_notice.id, national.id], "{l}");
        let down: Vec<(i64, i32)> = notices::chain_down(db, national.id)
            .await
            .unwrap()
            .iter()
            .map(|c| (c.notice.id, c.depth))
            .collect();
        assert_eq!(down, [(gd_notice.id, 1), (sz_notice.id, 2)], "{l}");
        assert_eq!(notices::chain_up(db, gd_notice.id).await.unwrap().len(), 1);
        assert_eq!(
            notices::chain_down(db, gd_notice.id).await.unwrap().len(),
            1
        );

        // Status across the subtree: SAMR sees provinces, Guangdong's cities, Shenzhen's districts.
        let st = notices::ack_status(db, national.id).await.unwrap();
        let rows: Vec<(i32, i64, bool)> = st
            .iter()
            .map(|s| (s.depth, s.org_id, s.acknowledged_at.is_some()))
            .collect();
        assert_eq!(
            rows,
            [
                (0, sh.id, false),
                (0, gd.id, true),
                (1, gz.id, false),
                (1, sz.id, true),
                (2, futian.id, false)
            ],
            "{l}"
        );
        assert_eq!(st[1].acknowledged_by.as_deref(), Some("gd.user 用户"));

        // Unacknowledged first in the inbox.
        let (sz_inbox, sz_open) = notices::inbox(db, sz.id, 0, 50).await.unwrap();
        assert_eq!((sz_inbox.total, sz_open), (1, 0));
        let (gz_inbox, gz_open) = notices::inbox(db, gz.id, 0, 50).await.unwrap();
        assert_eq!((gz_inbox.total, gz_open), (1, 1));

        // Correction: a new version with history; the issued one stays as it was.
        let t3 = t2 + Duration::days(1);
        let v2 = notices::correct(db, national.id, samr, t3).await.unwrap();
        let twice = notices::correct(db, national.id, samr, t3)
            .await
            .unwrap_err();
        assert!(
            matches!(twice, StoreError::State("already_corrected")),
            "{l}"
        );
        let draft_v2 = notices::get(db, v2).await.unwrap();
        assert_eq!(
            (draft_v2.version, draft_v2.supersedes_id),
            (2, Some(national.id))
        );
        assert_eq!(draft_v2.status, NoticeStatus::Draft);
        assert_eq!(draft_v2.recipients.len(), 1);
        assert_eq!(draft_v2.attachments, ["活动方案"]);
        let not_issued = notices::correct(db, v2, samr, t3).await.unwrap_err();
        assert!(matches!(not_issued, StoreError::State("notice_not_issued")));
        let mut fix = edit.clone();
        fix.body = "一、总体安排\n更正后的正文。".into();
        notices::update(db, v2, &fix.validate().unwrap(), t3)
            .await
            .unwrap();
        notices::issue(db, v2, samr, t3).await.unwrap();
        let history: Vec<(i64, i32)> = notices::versions(db, national.id)
            .await
            .unwrap()
            .iter()
            .map(|v| (v.id, v.version))
            .collect();
        assert_eq!(history, [(national.id, 1), (v2, 2)], "{l}");
        assert_eq!(notices::versions(db, v2).await.unwrap().len(), 2);
        assert_eq!(
            notices::get(db, national.id).await.unwrap().body,
            "一、总体安排\n（一）主场活动\n正文。"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn group_with_no_members_is_refused_at_issue() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        let who = account(db, "sh.user", "SH").await;
        let d = input(sh.id, "沪市监〔2022〕1号", vec![children(sh.id, "各区局")]);
        let n = notices::create(db, &d.validate().unwrap(), who, None, now())
            .await
            .unwrap();
        let e = notices::issue(db, n.id, who, now()).await.unwrap_err();
        assert!(
            matches!(e, StoreError::State("no_recipient_orgs")),
            "{}: {e:?}",
            t.label()
        );
        assert_eq!(
            notices::get(db, n.id).await.unwrap().status,
            NoticeStatus::Draft,
            "rolled back"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn issuing_to_thousands_refreshes_the_planner_statistics() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let labs: Vec<orgs::NewOrg> = (0..5_000)
            .map(|i| {
                orgs::NewOrg::new(
                    code(&format!("LAB{i:05}")),
                    Some(code("GD-SZ")),
                    format!("检验检测机构{i}"),
                    OrgKind::Lab,
                )
            })
            .collect();
        orgs::create_many(db, &labs, now()).await.unwrap();
        let n = orgs::get_by_code(db, "N").await.unwrap();
        let sz = orgs::get_by_code(db, "GD-SZ").await.unwrap();
        let samr = account(db, "samr", "N").await;
        let to_labs = RecipientSpec {
            org_id: sz.id,
            children_kind: Some(OrgKind::Lab),
            label: None,
        };
        let d = input(n.id, "市监认证函〔2022〕800号", vec![to_labs]);
        let notice = notices::create(db, &d.validate().unwrap(), samr, None, now())
            .await
            .unwrap();
        assert_eq!(
            notices::issue(db, notice.id, samr, now()).await.unwrap(),
            5_000
        );
        if let Some(rows) = planner_rows(db, "notice_deliveries").await {
            assert!(rows >= 5_000.0, "deliveries analysed at issue: {rows}");
        }
        // The small tables joined to the big one too: the planner needs to know that one
        // task's notice has 5,000 deliveries, not a guessed handful.
        let task = TaskInput {
            kind: "summary".into(),
            title: "活动总结".into(),
            deadline: "2022-06-20 17:00".into(),
            submit_to_org_id: n.id,
            attachments: "allowed".into(),
            ..Default::default()
        }
        .validate(now(), None)
        .unwrap();
        tasks::create(db, notice.id, None, &task, samr, now())
            .await
            .unwrap();
        for table in ["notices", "tasks", "task_tallies"] {
            if let Some(rows) = planner_rows(db, table).await {
                assert!(rows >= 1.0, "{table} analysed: {rows}");
            }
        }
        t.cleanup().await;
    }
}
