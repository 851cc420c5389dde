//! Venue pages: the 会场 fieldset of the new-activity form (main venue, participants by
//! category, 为每个主送单位设分会场, debugging slots), and the page that manages an
//! activity's venues — add, change and remove venues, branch venues for every addressee of
//! its notice in one action, participants by category per venue, debugging slots. Every
//! form works without JavaScript; a refused form comes back (422) with each message next
//! to its field and what was typed kept.

use crate::AppState;
use crate::api::extract::PagePath;
use crate::auth::User;
use crate::error::{AppError, PageError};
use crate::i18n::Tr;
use crate::view::{Chrome, Errors, local_time, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use renke_app::activities::venues::{self as svc, VenuesView};
use renke_app::activities::{ActivityForm, DebugSlotInput, ParticipantInput, VenueInput};
use renke_app::model::{Participant, Venue};
use renke_domain::activity::{ParticipantCategory, VenueKind};
use serde::Deserialize;

/// Participant rows a form shows at least: what was typed and empty ones to fill.
const PARTICIPANT_ROWS_MIN: usize = 3;
/// Debugging slot rows the new-activity form shows at least.
const SLOT_ROWS_MIN: usize = 2;

// ---------------------------------------------------------------- shared pieces

/// The categories of participants to choose from: code and label in the page's language.
pub fn categories(tr: &Tr) -> Vec<(&'static str, &'static str)> {
    ParticipantCategory::ALL
        .iter()
        .map(|k| (k.as_str(), tr.pick(k.zh(), k.en())))
        .collect()
}

/// The kinds of venue to choose from; the new-activity form leaves out 分会场, which it
/// makes from the notice's addressees.
fn venue_kinds(tr: &Tr, with_branch: bool) -> Vec<(&'static str, &'static str)> {
    VenueKind::ALL
        .iter()
        .filter(|k| with_branch || **k != VenueKind::Branch)
        .map(|k| (k.as_str(), tr.pick(k.zh(), k.en())))
        .collect()
}

/// A category's label in the page's language (the code itself when unknown).
fn category_label(tr: &Tr, code: &str) -> String {
    ParticipantCategory::from_code(code)
        .map(|k| tr.pick(k.zh(), k.en()).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// A venue kind's label in the page's language (the code itself when unknown).
fn kind_label(tr: &Tr, code: &str) -> String {
    VenueKind::from_code(code)
        .map(|k| tr.pick(k.zh(), k.en()).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// One participant row of a form: what it shows and the messages next to its inputs.
pub struct ParticipantRow {
    pub i: usize,
    pub category: String,
    pub label: String,
    pub org: String,
    pub category_err: String,
    pub label_err: String,
    pub org_err: String,
}

impl ParticipantRow {
    /// Whether the row's category is `code`.
    pub fn selected(&self, code: &str) -> bool {
        self.category == code
    }
}

/// The rows a form shows for `typed` (errors under `prefix`, e.g. `venues[0]`): the typed
/// rows, then empty ones, at least [`PARTICIPANT_ROWS_MIN`].
fn participant_rows(
    typed: &[ParticipantInput],
    errors: &Errors,
    prefix: &str,
) -> Vec<ParticipantRow> {
    let n = (typed.len() + 1).max(PARTICIPANT_ROWS_MIN);
    (0..n)
        .map(|i| {
            let f = |part: &str| errors.of(&under(prefix, &format!("participants[{i}].{part}")));
            let row = typed.get(i);
            ParticipantRow {
                i,
                category: row
                    .and_then(|r| ParticipantCategory::parse("", &r.category).ok())
                    .map(|k| k.as_str().to_owned())
                    .unwrap_or_default(),
                label: row.map(|r| r.label.clone()).unwrap_or_default(),
                org: row.map(|r| r.org_code.clone()).unwrap_or_default(),
                category_err: f("category"),
                label_err: f("label"),
                org_err: f("org_code"),
            }
        })
        .collect()
}

/// `name` under `prefix`, as the use cases name fields (`venues[0].name`; `name` alone).
fn under(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// One text input of a venue form: its id and name, label key, value, type, message.
pub struct TextField {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    pub kind: &'static str,
    pub err: String,
}

/// The text inputs of a venue: name, address, room, capacity and link, with the ids
/// `{id_prefix}name` … and the messages of the fields under `prefix`.
fn venue_fields(v: &VenueInput, errors: &Errors, id_prefix: &str, prefix: &str) -> Vec<TextField> {
    let ids: [&'static str; 5] = if id_prefix.is_empty() {
        ["name", "address", "room", "capacity", "url"]
    } else {
        [
            "venue_name",
            "venue_address",
            "venue_room",
            "venue_capacity",
            "venue_url",
        ]
    };
    let rows = [
        ("name", "ven.name", v.name.clone(), "text"),
        ("address", "ven.address", v.address.clone(), "text"),
        ("room", "ven.room", v.room.clone(), "text"),
        ("capacity", "ven.capacity", v.capacity.clone(), "numeric"),
        ("url", "ven.url", v.url.clone(), "url"),
    ];
    rows.into_iter()
        .zip(ids)
        .map(|((field, label, value, kind), id)| TextField {
            id,
            label,
            value,
            kind,
            err: errors.of(&under(prefix, field)),
        })
        .collect()
}

// ---------------------------------------------------------------- the new-activity form

/// One debugging slot row of the new-activity form.
pub struct SlotRow {
    pub i: usize,
    pub label: String,
    pub starts_at: String,
    pub label_err: String,
    pub starts_at_err: String,
}

/// The 会场 fieldset of the new-activity form, as its template shows it.
pub struct VenueFieldset {
    pub kinds: Vec<(&'static str, &'static str)>,
    /// The main venue's kind code (主会场 unless typed otherwise).
    pub kind: String,
    pub kind_err: String,
    pub fields: Vec<TextField>,
    pub participants: Vec<ParticipantRow>,
    /// 为每个主送单位设分会场 ticked.
    pub addressees: bool,
    pub addressees_err: String,
    pub slots: Vec<SlotRow>,
}

impl VenueFieldset {
    /// Whether the main venue's kind is `code`.
    pub fn is_kind(&self, code: &str) -> bool {
        self.kind == code
    }
}

/// The fieldset for form `f`, with the messages of `errors`.
pub fn fieldset(tr: &Tr, f: &ActivityForm, errors: &Errors) -> VenueFieldset {
    let empty = VenueInput::default();
    let v = f.venues.first().unwrap_or(&empty);
    let n = (f.debug_slots.len() + 1).max(SLOT_ROWS_MIN);
    let slots = (0..n)
        .map(|i| {
            let s = f.debug_slots.get(i);
            SlotRow {
                i,
                label: s.map(|s| s.label.clone()).unwrap_or_default(),
                starts_at: s.map(|s| s.starts_at.clone()).unwrap_or_default(),
                label_err: errors.of(&format!("debug_slots[{i}].label")),
                starts_at_err: errors.of(&format!("debug_slots[{i}].starts_at")),
            }
        })
        .collect();
    let mut addressees_err = errors.of("branch_venues.addressees");
    if errors.has("branch_venues.org_codes") {
        addressees_err.push_str(&errors.of("branch_venues.org_codes"));
    }
    VenueFieldset {
        kinds: venue_kinds(tr, false),
        kind: VenueKind::parse("", &v.kind)
            .map(|k| k.as_str().to_owned())
            .unwrap_or_else(|_| VenueKind::Main.as_str().to_owned()),
        kind_err: errors.of("venues[0].kind"),
        fields: venue_fields(v, errors, "venue_", "venues[0]"),
        participants: participant_rows(&v.participants, errors, "venues[0]"),
        addressees: f.branch_venues.as_ref().is_some_and(|b| b.addressees),
        addressees_err,
        slots,
    }
}

/// The fields the fieldset shows next to an input, for the form's list of the others.
pub fn fieldset_fields(f: &ActivityForm) -> Vec<String> {
    let set = fieldset(&Tr::default(), f, &Errors::default());
    let mut out: Vec<String> = ["kind", "name", "address", "room", "capacity", "url"]
        .iter()
        .map(|p| format!("venues[0].{p}"))
        .collect();
    for r in &set.participants {
        for part in ["category", "label", "org_code"] {
            out.push(format!("venues[0].participants[{}].{part}", r.i));
        }
    }
    for s in &set.slots {
        out.push(format!("debug_slots[{}].label", s.i));
        out.push(format!("debug_slots[{}].starts_at", s.i));
    }
    out.push("branch_venues.addressees".to_owned());
    out.push("branch_venues.org_codes".to_owned());
    out
}

// ---------------------------------------------------------------- the venues page

/// What a redirect after a change asks the page to confirm.
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    added: Option<u64>,
    #[serde(default)]
    kept: Option<usize>,
    #[serde(default)]
    n: Option<usize>,
}

impl DoneQuery {
    fn flash(&self, tr: &Tr) -> Option<String> {
        let key = match self.done.as_deref()? {
            "branches" => {
                return Some(tr.tf(
                    "ven.branch_added",
                    &[
                        ("added", self.added.unwrap_or(0).to_string()),
                        ("kept", self.kept.unwrap_or(0).to_string()),
                    ],
                ));
            }
            "participants" => {
                return Some(tr.tf(
                    "ven.added_participants",
                    &[("n", self.n.unwrap_or(0).to_string())],
                ));
            }
            "venue_added" => "ven.added_venue",
            "venue_saved" => "ven.saved_venue",
            "venue_removed" => "ven.removed_venue",
            "participant_removed" => "ven.removed_participant",
            "slot_added" => "ven.added_slot",
            "slot_removed" => "ven.removed_slot",
            _ => return None,
        };
        Some(tr.t(key).to_owned())
    }
}

/// The page that manages an activity's venues.
#[derive(Template)]
#[template(path = "activity_venues.html")]
struct VenuesPage {
    c: Chrome,
    v: VenuesView,
    /// The add-venue form: what was typed when it was refused, and its messages.
    venue: VenueInput,
    venue_errors: Errors,
    /// The add-slot form likewise.
    slot: DebugSlotInput,
    slot_errors: Errors,
    /// Refusals of the page's buttons (the branch-venue action, removing a venue).
    refusals: Vec<String>,
    /// Organisations to pick (code, name).
    orgs: Vec<(String, String)>,
}

impl VenuesPage {
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        venue_kinds(&self.c.tr, true)
    }
    fn kind_label(&self, code: &str) -> String {
        kind_label(&self.c.tr, code)
    }
    fn is_kind(&self, code: &str) -> bool {
        VenueKind::parse("", &self.venue.kind).is_ok_and(|k| k.as_str() == code)
    }
    fn fields(&self) -> Vec<TextField> {
        venue_fields(&self.venue, &self.venue_errors, "", "")
    }
    fn participant_rows(&self) -> Vec<ParticipantRow> {
        participant_rows(&self.venue.participants, &self.venue_errors, "")
    }
    /// What the list says of a venue under its name: its host (when not named after
    /// it), address, seats, link and participants by category.
    fn details(&self, v: &Venue) -> String {
        let tr = &self.c.tr;
        let mut parts = Vec::new();
        if let Some(host) = self.v.org(v.org_id).filter(|o| o.name != v.name) {
            parts.push(format!(
                "{}{}{}",
                tr.t("ven.host_col"),
                tr.colon(),
                host.name
            ));
        }
        parts.extend(v.address.clone());
        if let Some(cap) = v.capacity {
            parts.push(format!("{} {cap}", tr.t("ven.capacity")));
        }
        parts.extend(v.url.clone());
        let summary = self.participant_summary(v);
        if !summary.is_empty() {
            parts.push(format!(
                "{}{}{summary}",
                tr.t("act.participants"),
                tr.colon()
            ));
        }
        parts.join(" · ")
    }
    /// 领导 1 · 处室负责人 9: how many rows of each category a venue has.
    fn participant_summary(&self, v: &Venue) -> String {
        ParticipantCategory::ALL
            .iter()
            .filter_map(|k| {
                let n = v
                    .participants
                    .iter()
                    .filter(|p| p.category == k.as_str())
                    .count();
                (n > 0).then(|| format!("{} {n}", self.c.tr.pick(k.zh(), k.en())))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }
    fn count_line(&self) -> String {
        let branches = self
            .v
            .activity
            .venues
            .iter()
            .filter(|v| v.kind == VenueKind::Branch.as_str())
            .count();
        self.c.tr.tf(
            "ven.count",
            &[
                ("n", self.v.activity.venues.len().to_string()),
                ("branches", branches.to_string()),
            ],
        )
    }
    fn branch_help(&self) -> String {
        let notice = crate::view::doc_no(&self.c.tr, &self.v.activity.row.notice_doc_number);
        self.c.tr.tf(
            "ven.branch_action_help",
            &[
                ("notice", notice),
                ("total", self.v.addressees.len().to_string()),
                ("missing", self.v.addressees_without_venue().to_string()),
            ],
        )
    }
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        local_time(t)
    }
}

/// Renders the venues page of activity `id` (422 when a form or button was refused).
async fn venues_page(
    state: &AppState,
    user: &User,
    id: i64,
    flash: Option<String>,
    refused: Refused,
) -> Result<Response, PageError> {
    let v = svc::venues_view(state, &user.account, id).await?;
    let tr = user.ctx.tr;
    let status = if refused.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let title = format!("{} · {}", tr.t("ven.title"), v.activity.row.title);
    let (venue, venue_errors, slot, slot_errors, refusals) = match refused {
        Refused::None => (
            VenueInput::default(),
            Errors::default(),
            DebugSlotInput::default(),
            Errors::default(),
            Vec::new(),
        ),
        Refused::Venue(f, e) => (
            f,
            e,
            DebugSlotInput::default(),
            Errors::default(),
            Vec::new(),
        ),
        Refused::Slot(f, e) => (VenueInput::default(), Errors::default(), f, e, Vec::new()),
        Refused::Button(msgs) => (
            VenueInput::default(),
            Errors::default(),
            DebugSlotInput::default(),
            Errors::default(),
            msgs,
        ),
    };
    let page = VenuesPage {
        c: Chrome::new(&user.ctx, "activities", title).with_flash(flash),
        v,
        venue,
        venue_errors,
        slot,
        slot_errors,
        refusals,
        orgs: renke_app::orgs::directory_choices(state, &user.account, 500).await?,
    };
    Ok((status, render(&page)).into_response())
}

/// Which form of the venues page was refused, with what was typed and why.
enum Refused {
    None,
    Venue(VenueInput, Errors),
    Slot(DebugSlotInput, Errors),
    Button(Vec<String>),
}

impl Refused {
    fn any(&self) -> bool {
        !matches!(self, Refused::None)
    }
}

/// The messages of a refusal, in the page's language.
fn messages(tr: Tr, inv: &renke_domain::Invalid) -> Vec<String> {
    inv.0.iter().map(|e| tr.field_error(e)).collect()
}

/// `GET /activities/{id}/venues`, for those who manage the activity.
pub async fn show(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let flash = q.flash(&user.ctx.tr);
    venues_page(&state, &user, id, flash, Refused::None).await
}

/// `POST /activities/{id}/venues`: adds a venue with its participants.
pub async fn add_venue(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::venue_input_from_pairs(&pairs, "");
    match svc::add_venue(&state, &user.account, id, &f).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/activities/{id}/venues?done=venue_added")).into_response())
        }
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            venues_page(&state, &user, id, None, Refused::Venue(f, errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/venues/branches`: 为每个主送单位设分会场.
pub async fn add_branches(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    match svc::add_addressee_branch_venues(&state, &user.account, id).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "/activities/{id}/venues?done=branches&added={}&kept={}",
            r.added, r.kept
        ))
        .into_response()),
        Err(AppError::Invalid(inv)) => {
            let msgs = messages(user.ctx.tr, &inv);
            venues_page(&state, &user, id, None, Refused::Button(msgs)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/debug-slots`: adds a debugging slot.
pub async fn add_slot(
    State(state): State<AppState>,
    user: User,
    PagePath(id): PagePath<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut f = DebugSlotInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "label" => f.label = v,
            "starts_at" => f.starts_at = v,
            _ => {}
        }
    }
    match svc::add_debug_slot(&state, &user.account, id, &f).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/activities/{id}/venues?done=slot_added#slots")).into_response(),
        ),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            venues_page(&state, &user, id, None, Refused::Slot(f, errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/debug-slots/{slot_id}/remove`.
pub async fn remove_slot(
    State(state): State<AppState>,
    user: User,
    PagePath((id, slot_id)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    svc::remove_debug_slot(&state, &user.account, id, slot_id).await?;
    Ok(Redirect::to(&format!("/activities/{id}/venues?done=slot_removed#slots")).into_response())
}

// ---------------------------------------------------------------- one venue

/// One venue of an activity: its fields, its participants by category, adding and
/// removing participants, removing the venue.
#[derive(Template)]
#[template(path = "venue_form.html")]
struct VenuePage {
    c: Chrome,
    v: VenuesView,
    venue_id: i64,
    /// The venue's fields: typed (when refused) or stored.
    f: VenueInput,
    errors: Errors,
    /// The add-participants rows typed (when refused) and their messages.
    rows: Vec<ParticipantInput>,
    row_errors: Errors,
    /// Refusals of the page's buttons (removing the venue).
    refusals: Vec<String>,
    orgs: Vec<(String, String)>,
}

impl VenuePage {
    fn venue(&self) -> Option<&Venue> {
        self.v.venue(self.venue_id)
    }
    fn venue_name(&self) -> String {
        self.venue().map(|v| v.name.clone()).unwrap_or_default()
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        venue_kinds(&self.c.tr, true)
    }
    fn is_kind(&self, code: &str) -> bool {
        VenueKind::parse("", &self.f.kind).is_ok_and(|k| k.as_str() == code)
    }
    fn fields(&self) -> Vec<TextField> {
        venue_fields(&self.f, &self.errors, "", "")
    }
    fn participant_rows(&self) -> Vec<ParticipantRow> {
        participant_rows(&self.rows, &self.row_errors, "")
    }
    /// The venue's participants grouped by category, in the categories' order.
    fn groups(&self) -> Vec<(String, Vec<&Participant>)> {
        let Some(v) = self.venue() else {
            return Vec::new();
        };
        let mut out: Vec<(String, Vec<&Participant>)> = ParticipantCategory::ALL
            .iter()
            .map(|k| {
                (
                    self.c.tr.pick(k.zh(), k.en()).to_owned(),
                    v.participants
                        .iter()
                        .filter(|p| p.category == k.as_str())
                        .collect(),
                )
            })
            .collect();
        let unknown: Vec<&Participant> = v
            .participants
            .iter()
            .filter(|p| ParticipantCategory::from_code(&p.category).is_none())
            .collect();
        if let Some(p) = unknown.first() {
            out.push((category_label(&self.c.tr, &p.category), unknown));
        }
        out.retain(|(_, ps)| !ps.is_empty());
        out
    }
    fn org_name(&self, id: &Option<i64>) -> String {
        self.v.org(*id).map(|o| o.name.clone()).unwrap_or_default()
    }
    fn sessions_here(&self) -> usize {
        self.v.sessions_at(self.venue_id)
    }
    fn sessions_line(&self) -> String {
        self.c.tr.tf(
            "ven.sessions_here",
            &[("n", self.sessions_here().to_string())],
        )
    }
}

/// What the venue page shows besides the venue: a refused form or button.
enum VenueRefused {
    None,
    Fields(VenueInput, Errors),
    Rows(Vec<ParticipantInput>, Errors),
    Button(Vec<String>),
}

/// Renders venue `venue_id` of activity `id` (422 when something was refused).
async fn venue_page(
    state: &AppState,
    user: &User,
    id: i64,
    venue_id: i64,
    flash: Option<String>,
    refused: VenueRefused,
) -> Result<Response, PageError> {
    let v = svc::venues_view(state, &user.account, id).await?;
    let stored = v.venue_input(venue_id).ok_or(AppError::NotFound)?;
    let status = if matches!(refused, VenueRefused::None) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let (f, errors, rows, row_errors, refusals) = match refused {
        VenueRefused::None => (
            stored,
            Errors::default(),
            Vec::new(),
            Errors::default(),
            Vec::new(),
        ),
        VenueRefused::Fields(f, e) => (f, e, Vec::new(), Errors::default(), Vec::new()),
        VenueRefused::Rows(r, e) => (stored, Errors::default(), r, e, Vec::new()),
        VenueRefused::Button(m) => (stored, Errors::default(), Vec::new(), Errors::default(), m),
    };
    let name = v
        .venue(venue_id)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let page = VenuePage {
        c: Chrome::new(
            &user.ctx,
            "activities",
            format!("{name} · {}", v.activity.row.title),
        )
        .with_flash(flash),
        v,
        venue_id,
        f,
        errors,
        rows,
        row_errors,
        refusals,
        orgs: renke_app::orgs::directory_choices(state, &user.account, 500).await?,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /activities/{id}/venues/{venue_id}`.
pub async fn venue(
    State(state): State<AppState>,
    user: User,
    PagePath((id, venue_id)): PagePath<(i64, i64)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let flash = q.flash(&user.ctx.tr);
    venue_page(&state, &user, id, venue_id, flash, VenueRefused::None).await
}

/// `POST /activities/{id}/venues/{venue_id}`: saves the venue's fields.
pub async fn save_venue(
    State(state): State<AppState>,
    user: User,
    PagePath((id, venue_id)): PagePath<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = svc::venue_input_from_pairs(&pairs, "");
    match svc::update_venue(&state, &user.account, id, venue_id, &f).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/activities/{id}/venues/{venue_id}?done=venue_saved"
        ))
        .into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            venue_page(
                &state,
                &user,
                id,
                venue_id,
                None,
                VenueRefused::Fields(f, errors),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/venues/{venue_id}/remove`.
pub async fn remove_venue(
    State(state): State<AppState>,
    user: User,
    PagePath((id, venue_id)): PagePath<(i64, i64)>,
) -> Result<Response, PageError> {
    match svc::remove_venue(&state, &user.account, id, venue_id).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/activities/{id}/venues?done=venue_removed")).into_response(),
        ),
        Err(AppError::Invalid(inv)) => {
            let msgs = messages(user.ctx.tr, &inv);
            venue_page(
                &state,
                &user,
                id,
                venue_id,
                None,
                VenueRefused::Button(msgs),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/venues/{venue_id}/participants`: adds participant rows.
pub async fn add_participants(
    State(state): State<AppState>,
    user: User,
    PagePath((id, venue_id)): PagePath<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let rows = svc::participants_from_pairs(&pairs);
    match svc::add_participants(&state, &user.account, id, venue_id, &rows).await {
        Ok(n) => Ok(Redirect::to(&format!(
            "/activities/{id}/venues/{venue_id}?done=participants&n={n}#participants"
        ))
        .into_response()),
        Err(AppError::Invalid(inv)) => {
            let errors = Errors::from_invalid(user.ctx.tr, &inv);
            venue_page(
                &state,
                &user,
                id,
                venue_id,
                None,
                VenueRefused::Rows(rows, errors),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/venues/{venue_id}/participants/{position}/remove`.
pub async fn remove_participant(
    State(state): State<AppState>,
    user: User,
    PagePath((id, venue_id, position)): PagePath<(i64, i64, i32)>,
) -> Result<Response, PageError> {
    svc::remove_participant(&state, &user.account, id, venue_id, position).await?;
    Ok(Redirect::to(&format!(
        "/activities/{id}/venues/{venue_id}?done=participant_removed#participants"
    ))
    .into_response())
}
