//! Notices: inbox and sent lists, the notice in the official order, forms for drafts and
//! relays, issue, 签收, corrections and the sender's acknowledgement status.

use super::{PAGE_SIZE, Paging};
use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::{Ctx, User};
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use renke_app::model::Page;
use renke_app::model::{DeliveryStatus, InboxItem, Notice, NoticeRef, Recipient};
use renke_app::notices::ContactForm;
use renke_app::notices::NoticeForm;
use renke_app::notices::NoticeView;
use renke_app::notices::RecipientInput;
use renke_domain::notice::{Block, body_blocks};
use serde::Deserialize;

/// 2022年6月1日 in Chinese, 1 June 2022 in English.
pub fn long_date(tr: &Tr, d: &NaiveDate) -> String {
    if tr.is_zh() {
        d.format("%Y年%-m月%-d日").to_string()
    } else {
        d.format("%-d %B %Y").to_string()
    }
}

fn recipient_label(tr: &Tr, r: &Recipient) -> String {
    match (&r.label, r.children_kind) {
        (Some(l), _) => l.clone(),
        (None, None) => r.org_name.clone(),
        (None, Some(k)) => {
            if tr.is_zh() {
                format!("{}所属{}", r.org_name, k.zh())
            } else {
                format!("{}s under {}", k.en(), r.org_name)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "notices.html")]
struct ListPage {
    c: Chrome,
    inbox: Page<InboxItem>,
    open: i64,
    pager: Pager,
    sent: Vec<NoticeRef>,
    may_create: bool,
}

pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Paging>,
) -> Result<Response, PageError> {
    let (inbox, open) =
        renke_app::notices::notice_inbox(&state, &user.account, p.offset, PAGE_SIZE).await?;
    let sent = renke_app::notices::sent_notices(&state, &user.account, 0, 100)
        .await?
        .items;
    let pager = Pager {
        offset: inbox.offset,
        limit: inbox.limit,
        total: inbox.total,
        base: "/notices?".into(),
    };
    let may_create = renke_app::notices::may_create_notice(&user.account);
    Ok(render(&ListPage {
        c: Chrome::new(&user.ctx, "notices", user.ctx.tr.t("notice.list")),
        inbox,
        open,
        pager,
        sent,
        may_create,
    }))
}

impl ListPage {
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        local_time(t)
    }
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    c: Chrome,
    v: NoticeView,
    blocks: Vec<Block>,
    recipients: String,
    written_on: String,
    printed_on: String,
    /// Why the last upload was refused.
    upload_errors: Errors,
}

impl NoticePage {
    /// Whether attachment `i` has an uploaded file to download.
    fn has_file(&self, i: &usize) -> bool {
        matches!(self.v.notice.attachment_files.get(*i), Some(Some(_)))
    }
    fn n(&self) -> &Notice {
        &self.v.notice
    }
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        local_time(t)
    }
    fn attachment_count(&self) -> usize {
        self.v.notice.attachments.len() + usize::from(self.v.original.is_some())
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    notice_page(&state, &ctx, id, Errors::default()).await
}

async fn notice_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    upload_errors: Errors,
) -> Result<Response, PageError> {
    let v = renke_app::notices::notice_view(state, ctx.account(), id).await?;
    // The document itself is Chinese whatever the interface language.
    let zh = Tr::new(crate::i18n::Locale::ZhCn);
    let recipients = v
        .notice
        .recipients
        .iter()
        .map(|r| recipient_label(&zh, r))
        .collect::<Vec<_>>()
        .join("，");
    let page = NoticePage {
        c: Chrome::new(ctx, "notices", v.notice.title.clone()),
        blocks: body_blocks(&v.notice.body),
        upload_errors,
        recipients,
        written_on: long_date(&zh, &v.notice.written_on),
        printed_on: v
            .notice
            .printed_on
            .map(|d| long_date(&zh, &d))
            .unwrap_or_default(),
        v,
    };
    Ok(render(&page))
}

/// `POST /notices/{id}/attachments`: a file (and optional title) added to a draft; a
/// refused file shows the notice again with the reason next to the upload form.
pub async fn upload_attachment(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    multipart: axum::extract::Request,
) -> Result<Response, PageError> {
    let up = super::read_upload(multipart).await?;
    match renke_app::notices::attachments::attach_to_notice(
        &state,
        &user.account,
        id,
        &up.file,
        &up.title,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/notices/{id}")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let mut r = notice_page(&state, &user.ctx, id, errors).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /notices/{id}/attachments/{pos}`: the uploaded file, for readers of the notice.
pub async fn download_attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, pos)): PagePath<(i64, usize)>,
) -> Result<Response, PageError> {
    let (file, bytes) =
        renke_app::notices::attachments::notice_attachment(&state, ctx.account(), id, pos).await?;
    Ok(crate::download::stored(&file, bytes))
}

/// The form as posted: lists as lines.
#[derive(Deserialize, Default)]
pub struct PageForm {
    #[serde(default)]
    issuer_code: String,
    #[serde(default)]
    doc_number: String,
    #[serde(default)]
    title: String,
    /// One per line: `CODE`, or `CODE/kind label` for a group of children.
    #[serde(default)]
    recipients: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    attachments: String,
    #[serde(default)]
    signature: String,
    #[serde(default)]
    written_on: String,
    #[serde(default)]
    notes: String,
    /// One per line: name, phone, e-mail separated by spaces.
    #[serde(default)]
    contacts: String,
    #[serde(default)]
    publication: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    cc: String,
    #[serde(default)]
    printed_by: String,
    #[serde(default)]
    printed_on: String,
    #[serde(default)]
    proofreader: String,
    #[serde(default)]
    campaign_id: String,
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines().map(str::trim).filter(|l| !l.is_empty())
}

impl PageForm {
    fn to_service(&self) -> NoticeForm {
        NoticeForm {
            issuer_code: self.issuer_code.clone(),
            doc_number: self.doc_number.clone(),
            title: self.title.clone(),
            recipients: lines(&self.recipients)
                .map(|l| {
                    let (head, label) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
                    let (code, kind) = head.split_once('/').unwrap_or((head, ""));
                    RecipientInput {
                        org_code: code.into(),
                        children_kind: kind.into(),
                        label: label.trim().into(),
                    }
                })
                .collect(),
            body: self.body.clone(),
            attachments: lines(&self.attachments).map(str::to_owned).collect(),
            signature: self.signature.clone(),
            written_on: self.written_on.clone(),
            notes: self.notes.clone(),
            contacts: lines(&self.contacts)
                .map(|l| {
                    let mut parts = l.split_whitespace();
                    let name = parts.next().unwrap_or("").to_owned();
                    let (email, phone): (Vec<&str>, Vec<&str>) =
                        parts.partition(|p| p.contains('@') || p.contains('＠'));
                    ContactForm {
                        name,
                        phone: phone.join(" "),
                        email: email.join(" "),
                    }
                })
                .collect(),
            publication: self.publication.clone(),
            direction: self.direction.clone(),
            cc: self.cc.clone(),
            printed_by: self.printed_by.clone(),
            printed_on: self.printed_on.clone(),
            proofreader: self.proofreader.clone(),
            campaign_id: self.campaign_id.trim().parse().ok(),
            relay_tasks: Vec::new(),
        }
    }

    fn from_service(f: &NoticeForm) -> PageForm {
        PageForm {
            issuer_code: f.issuer_code.clone(),
            doc_number: f.doc_number.clone(),
            title: f.title.clone(),
            recipients: f
                .recipients
                .iter()
                .map(|r| {
                    let mut l = r.org_code.clone();
                    if !r.children_kind.is_empty() {
                        l = format!("{l}/{}", r.children_kind);
                    }
                    if !r.label.is_empty() {
                        l = format!("{l} {}", r.label);
                    }
                    l
                })
                .collect::<Vec<_>>()
                .join("\n"),
            body: f.body.clone(),
            attachments: f.attachments.join("\n"),
            signature: f.signature.clone(),
            written_on: f.written_on.clone(),
            notes: f.notes.clone(),
            contacts: f
                .contacts
                .iter()
                .map(|c| {
                    format!("{} {} {}", c.name, c.phone, c.email)
                        .trim()
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join("\n"),
            publication: f.publication.clone(),
            direction: f.direction.clone(),
            cc: f.cc.clone(),
            printed_by: f.printed_by.clone(),
            printed_on: f.printed_on.clone(),
            proofreader: f.proofreader.clone(),
            campaign_id: f.campaign_id.map(|c| c.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "notice_form.html")]
struct FormPage {
    c: Chrome,
    f: PageForm,
    errors: Errors,
    shown: &'static [&'static str],
    /// Whether the issuer can be chosen (new notices).
    choose_issuer: bool,
    /// The notice being relayed, if any.
    relaying: Option<Notice>,
    /// When relaying: the original's tasks this bureau received, with the deadline typed
    /// for each (`relay_deadline_{task id}`).
    relay_tasks: Vec<(renke_app::model::Task, String)>,
    cancel: String,
    /// Campaigns to file the notice under (id, title), and organisations to pick as issuer
    /// (code, name).
    campaigns: Vec<(i64, String)>,
    orgs: Vec<(String, String)>,
    /// The account's organisation's direct subordinates by name, to tick as addressees.
    subordinates: Vec<String>,
}

const SHOWN: &[&str] = &[
    "issuer_code",
    "doc_number",
    "title",
    "recipients",
    "body",
    "signature",
    "written_on",
    "notes",
    "publication",
    "direction",
    "cc",
    "printed_by",
    "printed_on",
    "proofreader",
    "campaign_id",
];

impl FormPage {
    /// The error key of the deadline of the `i`-th task offered for relay.
    fn relay_key(&self, i: impl std::fmt::Display) -> String {
        format!("relay_tasks[{i}].deadline")
    }
    fn publications(&self) -> Vec<(&'static str, &'static str)> {
        renke_domain::notice::Publication::ALL
            .iter()
            .map(|p| (p.as_str(), if self.c.tr.is_zh() { p.zh() } else { p.en() }))
            .collect()
    }
    /// Whether subordinate `name` is one of the 主送 lines.
    fn addressed(&self, name: &str) -> bool {
        self.f.recipients.lines().any(|l| l.trim() == name)
    }
    /// Whether the campaign typed is among those offered.
    fn has_campaign(&self) -> bool {
        self.campaigns
            .iter()
            .any(|(id, _)| id.to_string() == self.f.campaign_id)
    }
    fn directions(&self) -> Vec<(&'static str, &'static str)> {
        renke_domain::notice::Direction::ALL
            .iter()
            .map(|d| (d.as_str(), if self.c.tr.is_zh() { d.zh() } else { d.en() }))
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    user: &User,
    title: &str,
    f: PageForm,
    errors: Errors,
    choose_issuer: bool,
    relaying: Option<Notice>,
    cancel: String,
) -> FormPage {
    FormPage {
        c: Chrome::new(&user.ctx, "notices", title),
        f,
        errors,
        shown: SHOWN,
        choose_issuer,
        relaying,
        relay_tasks: Vec::new(),
        cancel,
        campaigns: Vec::new(),
        orgs: Vec::new(),
        subordinates: Vec::new(),
    }
}

/// The notice form as posted: its fields, with the subordinates ticked
/// (`recipient_pick`, one per box) added to the 主送 lines by name, once each. Other keys
/// (a relay's `relay_deadline_…`) are left to the caller.
fn page_form(pairs: &[(String, String)]) -> Result<PageForm, PageError> {
    let (picked, rest): (Vec<_>, Vec<_>) = pairs.iter().partition(|(k, _)| k == "recipient_pick");
    let encoded = serde_urlencoded::to_string(&rest)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let mut pf: PageForm = serde_urlencoded::from_str(&encoded).map_err(|e| {
        AppError::from(
            renke_domain::FieldError::new("body", "unknown_value").with("value", e.to_string()),
        )
    })?;
    for (_, name) in picked {
        let name = name.trim();
        if !name.is_empty() && !pf.recipients.lines().any(|l| l.trim() == name) {
            if !pf.recipients.trim().is_empty() && !pf.recipients.ends_with('\n') {
                pf.recipients.push('\n');
            }
            pf.recipients.push_str(name);
        }
    }
    Ok(pf)
}

/// `page` with the lists its pickers offer: the campaigns the account sees and, where the
/// issuer is chosen, the directory.
async fn with_choices(
    mut page: FormPage,
    state: &AppState,
    user: &User,
) -> Result<FormPage, PageError> {
    page.campaigns = renke_app::campaigns::list_campaigns(state, &user.account, 0, 100)
        .await?
        .items
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    if page.choose_issuer {
        page.orgs = renke_app::orgs::directory_choices(state, &user.account, 500).await?;
    }
    page.subordinates =
        renke_app::orgs::children(state, &user.account, user.account.org_id, 0, 200)
            .await?
            .items
            .into_iter()
            .map(|n| n.org.name)
            .collect();
    Ok(page)
}

fn refused(page: FormPage) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
}

pub async fn new_form(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let f = PageForm {
        issuer_code: user.account.org_code.clone(),
        publication: "active".into(),
        direction: "down".into(),
        ..Default::default()
    };
    let page = form_page(
        &user,
        user.ctx.tr.t("notice.new"),
        f,
        Errors::default(),
        true,
        None,
        "/notices".into(),
    );
    Ok(render(&with_choices(page, &state, &user).await?))
}

pub async fn create(
    State(state): State<AppState>,
    user: User,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let pf = page_form(&pairs)?;
    match renke_app::notices::create_notice(&state, &user.account, &pf.to_service()).await {
        Ok(n) => Ok(Redirect::to(&format!("/notices/{}", n.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let t = user.ctx.tr.t("notice.new");
            Ok(refused(
                with_choices(
                    form_page(&user, t, pf, errors, true, None, "/notices".into()),
                    &state,
                    &user,
                )
                .await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let v = renke_app::notices::notice_view(&state, Some(&user.account), id).await?;
    if !v.may_edit {
        return Err(if v.notice.is_issued() {
            AppError::Conflict("notice_issued")
        } else {
            AppError::Forbidden
        }
        .into());
    }
    let f = PageForm::from_service(&renke_app::notices::notice_form_from(&v.notice, None));
    let page = form_page(
        &user,
        user.ctx.tr.t("notice.edit"),
        f,
        Errors::default(),
        false,
        None,
        format!("/notices/{id}"),
    );
    Ok(render(&with_choices(page, &state, &user).await?))
}

pub async fn update(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let pf = page_form(&pairs)?;
    match renke_app::notices::update_notice(&state, &user.account, id, &pf.to_service()).await {
        Ok(n) => Ok(Redirect::to(&format!("/notices/{}", n.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let t = user.ctx.tr.t("notice.edit");
            Ok(refused(
                with_choices(
                    form_page(&user, t, pf, errors, false, None, format!("/notices/{id}")),
                    &state,
                    &user,
                )
                .await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn relay_form(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let v = renke_app::notices::notice_view(&state, Some(&user.account), id).await?;
    if !v.may_relay {
        return Err(AppError::Forbidden.into());
    }
    let f = PageForm::from_service(&renke_app::notices::notice_form_from(
        &v.notice,
        Some(&user.account),
    ));
    let offered = renke_app::reporting::tasks::relayable(&state, id, user.account.org_id).await?;
    let mut page = form_page(
        &user,
        user.ctx.tr.t("notice.relay"),
        f,
        Errors::default(),
        false,
        Some(v.notice),
        format!("/notices/{id}"),
    );
    page.relay_tasks = offered.into_iter().map(|t| (t, String::new())).collect();
    Ok(render(&with_choices(page, &state, &user).await?))
}

pub async fn relay(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    // The notice's fields, and one `relay_deadline_{task id}` per task offered for relay.
    let pf = page_form(&pairs)?;
    let offered = renke_app::reporting::tasks::relayable(&state, id, user.account.org_id).await?;
    let typed = |task_id: i64| {
        let key = format!("relay_deadline_{task_id}");
        pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let relay_tasks: Vec<(renke_app::model::Task, String)> = offered
        .into_iter()
        .map(|t| {
            let v = typed(t.id);
            (t, v)
        })
        .collect();
    let mut f = pf.to_service();
    f.issuer_code = user.account.org_code.clone();
    f.relay_tasks = relay_tasks
        .iter()
        .map(|(t, d)| renke_app::reporting::tasks::RelayTaskForm {
            task_id: t.id,
            deadline: d.clone(),
        })
        .collect();
    match renke_app::notices::relay_notice(&state, &user.account, id, &f).await {
        Ok(n) => Ok(Redirect::to(&format!("/notices/{}", n.id)).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let original = renke_app::notices::notice_view(&state, Some(&user.account), id)
                .await?
                .notice;
            let t = user.ctx.tr.t("notice.relay");
            let mut page = form_page(
                &user,
                t,
                pf,
                errors,
                false,
                Some(original),
                format!("/notices/{id}"),
            );
            page.relay_tasks = relay_tasks;
            Ok(refused(with_choices(page, &state, &user).await?))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn issue(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    renke_app::notices::issue_notice(&state, &user.account, id).await?;
    Ok(Redirect::to(&format!("/notices/{id}/status")).into_response())
}

pub async fn acknowledge(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    renke_app::notices::acknowledge_notice(&state, &user.account, id, None).await?;
    Ok(Redirect::to(&format!("/notices/{id}")).into_response())
}

pub async fn correct(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let n = renke_app::notices::correct_notice(&state, &user.account, id).await?;
    Ok(Redirect::to(&format!("/notices/{}/edit", n.id)).into_response())
}

#[derive(Template)]
#[template(path = "notice_status.html")]
struct StatusPage {
    c: Chrome,
    notice: Notice,
    rows: Vec<DeliveryStatus>,
    total: usize,
    acknowledged: usize,
}

impl StatusPage {
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        local_time(t)
    }
    /// Whether `rows[i]` starts a new notice's group.
    fn starts_group(&self, i: &usize) -> bool {
        *i == 0
            || self.rows.get(i - 1).map(|r| r.notice_id) != self.rows.get(*i).map(|r| r.notice_id)
    }
    fn group_counts(&self, notice_id: &i64) -> (usize, usize) {
        let g: Vec<_> = self
            .rows
            .iter()
            .filter(|r| r.notice_id == *notice_id)
            .collect();
        (
            g.iter().filter(|r| r.acknowledged_at.is_some()).count(),
            g.len(),
        )
    }
}

pub async fn status(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let s = renke_app::notices::notice_status(&state, &user.account, id).await?;
    Ok(render(&StatusPage {
        c: Chrome::new(&user.ctx, "notices", user.ctx.tr.t("notice.status")),
        notice: s.notice,
        rows: s.rows,
        total: s.total,
        acknowledged: s.acknowledged,
    }))
}
