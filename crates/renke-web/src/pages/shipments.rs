//! Poster distribution (海报寄送) pages, under 宣传: the caller's shipments (sent to it, sent
//! by it), the form with its addressee picker, a shipment's board (counts, who has not
//! received or not confirmed, the sender's line edits, the xlsx export) and an addressee's
//! confirmations; and the xlsx export of the materials list.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::{AppError, PageError};
use crate::view::{Chrome, Errors, Pager, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use renke_app::publicity::MaterialQuery;
use renke_app::shipments::{
    self as svc, Board, BoardQuery, Choices, LineForm, Pending, Shipment, ShipmentForm,
    ShipmentLine, ShipmentList, ShipmentQuery, ShipmentTab,
};
use renke_domain::shipment::LineState;

/// Rows per page.
const PAGE_SIZE: i64 = 30;

fn state_chip(tr: crate::i18n::Tr, s: LineState) -> (&'static str, &'static str) {
    (s.colour(), tr.pick(s.zh(), s.en()))
}

#[derive(Template)]
#[template(path = "publicity_shipments.html")]
struct ListPage {
    c: Chrome,
    received: Vec<ShipmentLine>,
    sent: Vec<Shipment>,
    on_sent: bool,
    may_send: bool,
    pager: Pager,
}

impl ListPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn chip(&self, l: &ShipmentLine) -> (&'static str, &'static str) {
        state_chip(self.c.tr, l.state)
    }
    fn progress(&self, s: &Shipment) -> String {
        progress(self.c.tr, s)
    }
}

fn progress(tr: crate::i18n::Tr, s: &Shipment) -> String {
    tr.tf(
        "shp.progress",
        &[
            ("received", s.counts.received.to_string()),
            ("posted", s.counts.posted.to_string()),
            ("total", s.counts.total.to_string()),
        ],
    )
}

/// `GET /publicity/shipments`: what was sent to the caller's unit, or (`tab=sent`) what it
/// — and, for those who see below, the units below it — sent.
pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<ShipmentQuery>,
) -> Result<Response, PageError> {
    let (l, may_send) = svc::list(&state, &user.account, &q, PAGE_SIZE).await?;
    let c = Chrome::new(&user.ctx, "publicity", user.ctx.tr.t("shp.shipments"));
    let tab = match q.tab {
        ShipmentTab::Received => "received",
        ShipmentTab::Sent => "sent",
    };
    let base = format!("/publicity/shipments?tab={tab}&");
    let (received, sent, pager) = match l {
        ShipmentList::Received(p) => (p.items, Vec::new(), (p.offset, p.limit, p.total)),
        ShipmentList::Sent(p) => (Vec::new(), p.items, (p.offset, p.limit, p.total)),
    };
    Ok(render(&ListPage {
        c,
        received,
        sent,
        on_sent: q.tab == ShipmentTab::Sent,
        may_send,
        pager: Pager {
            offset: pager.0,
            limit: pager.1,
            total: pager.2,
            base,
        },
    }))
}

#[derive(Template)]
#[template(path = "publicity_shipment_form.html")]
struct FormPage {
    c: Chrome,
    f: ShipmentForm,
    choices: Choices,
    errors: Errors,
}

impl FormPage {
    fn picked(&self, id: &i64) -> bool {
        self.f.addressees.contains(id)
    }
    fn is_campaign(&self, id: &i64) -> bool {
        self.f.campaign_id.trim() == id.to_string()
    }
    fn has_bureaus(&self, peers: bool) -> bool {
        let list = if peers {
            &self.choices.peers
        } else {
            &self.choices.subordinates
        };
        list.iter()
            .any(|a| a.kind == renke_domain::org::OrgKind::Regulator)
    }
}

async fn form_page(
    state: &AppState,
    user: &User,
    f: ShipmentForm,
    errors: Errors,
) -> Result<FormPage, PageError> {
    let mut f = f;
    if f.quantity.is_empty() && !errors.any() {
        f.quantity = "1".to_owned();
    }
    Ok(FormPage {
        c: Chrome::new(&user.ctx, "publicity", user.ctx.tr.t("shp.new")),
        choices: svc::choices(state, &user.account).await?,
        f,
        errors,
    })
}

/// `GET /publicity/shipments/new`: the form.
pub async fn new_form(State(state): State<AppState>, user: User) -> Result<Response, PageError> {
    let page = form_page(&state, &user, ShipmentForm::default(), Errors::default()).await?;
    Ok(render(&page))
}

/// The form from its fields (`addressees` repeated, one per ticked unit).
fn form_of(pairs: &[(String, String)]) -> ShipmentForm {
    let one = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let on = |k: &str| pairs.iter().any(|(n, v)| n == k && !v.is_empty());
    ShipmentForm {
        campaign_id: one("campaign_id"),
        item: one("item"),
        print_size: one("print_size"),
        quantity: one("quantity"),
        courier: one("courier"),
        note: one("note"),
        addressees: pairs
            .iter()
            .filter(|(k, _)| k == "addressees")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
        all_subordinates: on("all_subordinates"),
        all_peers: on("all_peers"),
    }
}

/// `POST /publicity/shipments/new`: sends; the form comes back with every problem.
pub async fn create(
    State(state): State<AppState>,
    user: User,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = form_of(&pairs);
    match svc::create(&state, &user.account, &f).await {
        Ok(id) => Ok(Redirect::to(&format!("/publicity/shipments/{id}?sent=1")).into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = form_page(&state, &user, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "publicity_shipment.html")]
struct BoardPage {
    c: Chrome,
    b: Board,
    pager: Pager,
    /// The line whose form failed, and its errors.
    failed: Option<i64>,
    errors: Errors,
}

impl BoardPage {
    fn time(&self, t: &DateTime<Utc>) -> String {
        local_time(t)
    }
    fn chip(&self, l: &ShipmentLine) -> (&'static str, &'static str) {
        state_chip(self.c.tr, l.state)
    }
    fn is_pending(&self, which: &str) -> bool {
        let p = match which {
            "not_received" => Pending::NotReceived,
            "not_posted" => Pending::NotPosted,
            _ => Pending::All,
        };
        self.b.pending == p
    }
    fn failed_here(&self, id: &i64) -> bool {
        self.failed == Some(*id)
    }
    fn line_errors(&self) -> String {
        self.errors.others(&[]).join(" ")
    }
    fn opt<'a>(&self, s: &'a Option<String>) -> &'a str {
        s.as_deref().unwrap_or("")
    }
}

async fn board_page(
    state: &AppState,
    user: &User,
    id: i64,
    q: &BoardQuery,
    failed: Option<(i64, Errors)>,
) -> Result<BoardPage, PageError> {
    let b = svc::board(state, &user.account, id, q, PAGE_SIZE).await?;
    let mut c = Chrome::new(&user.ctx, "publicity", b.shipment.item.clone());
    if user.ctx.uri.contains("sent=1") {
        c = c.with_flash(Some(user.ctx.tr.t("shp.sent_flash").to_owned()));
    }
    let pending = match b.pending {
        Pending::All => "",
        Pending::NotReceived => "pending=not_received&",
        Pending::NotPosted => "pending=not_posted&",
    };
    let (failed, errors) = match failed {
        Some((l, e)) => (Some(l), e),
        None => (None, Errors::default()),
    };
    Ok(BoardPage {
        pager: Pager {
            offset: b.lines.offset,
            limit: b.lines.limit,
            total: b.lines.total,
            base: format!("/publicity/shipments/{id}?{pending}"),
        },
        c,
        b,
        failed,
        errors,
    })
}

/// `GET /publicity/shipments/{id}`: the board (the sender and above), or the caller's own
/// line with its confirmations (an addressee).
pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<BoardQuery>,
) -> Result<Response, PageError> {
    Ok(render(&board_page(&state, &user, id, &q, None).await?))
}

/// After a line's action: back to its shipment, or the board with the form's errors.
async fn after_line(
    state: &AppState,
    user: &User,
    line: i64,
    r: Result<ShipmentLine, AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(l) => {
            Ok(Redirect::to(&format!("/publicity/shipments/{}", l.shipment_id)).into_response())
        }
        Err(AppError::Invalid(inv)) => {
            let l = svc::line(state, &user.account, line).await?;
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            let page = board_page(
                state,
                user,
                l.shipment_id,
                &BoardQuery::default(),
                Some((line, errors)),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /publicity/shipments/lines/{id}/receive`: the addressee confirms receipt.
pub async fn receive(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let r = svc::receive(&state, &user.account, id).await;
    after_line(&state, &user, id, r).await
}

/// `POST /publicity/shipments/lines/{id}/posted` (multipart, optional `photo`): the
/// addressee confirms the posters are up.
pub async fn posted(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let (_, files): (Vec<(String, String)>, _) = super::read_form_with_files(req).await?;
    let r = svc::post(&state, &user.account, id, files.first()).await;
    after_line(&state, &user, id, r).await
}

/// `POST /publicity/shipments/lines/{id}/edit`: the sender changes copies, courier and
/// tracking number.
pub async fn edit(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(f): Form<LineForm>,
) -> Result<Response, PageError> {
    let r = svc::edit_line(&state, &user.account, id, &f).await;
    after_line(&state, &user, id, r).await
}

async fn photo_of(
    state: &AppState,
    user: &User,
    id: i64,
    thumb: bool,
) -> Result<Response, PageError> {
    let (f, stream) = svc::photo(state, &user.account, id, thumb).await?;
    Ok(crate::download::stored(&f, stream))
}

/// `GET /publicity/shipments/lines/{id}/photo`: the put-up photo.
pub async fn photo(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    photo_of(&state, &user, id, false).await
}

/// `GET /publicity/shipments/lines/{id}/thumb`: its thumbnail.
pub async fn thumb(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    photo_of(&state, &user, id, true).await
}

/// `GET /publicity/shipments/{id}/lines.xlsx`: every line of the board.
pub async fn lines_xlsx(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let (name, bytes) = svc::lines_xlsx(&state, &user.account, id).await?;
    Ok(super::download(&name, super::XLSX, bytes))
}

/// `GET /publicity/materials.xlsx`: the caller's materials list with its filters.
pub async fn materials_xlsx(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<MaterialQuery>,
) -> Result<Response, PageError> {
    let (name, bytes) =
        renke_app::publicity_xlsx::materials_xlsx(&state, &user.account, &q).await?;
    Ok(super::download(&name, super::XLSX, bytes))
}
