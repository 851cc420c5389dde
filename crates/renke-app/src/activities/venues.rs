//! Venues (会场), branch venues (分会场), participants by category and debugging slots
//! (联调) of an activity: typed on the new-activity form, and changed afterwards by those
//! who manage the activity (Manage on its owner). A branch venue per addressee
//! (为每个主送单位设分会场) is made for every organisation the activity's notice is addressed
//! to, except the owner, which holds the main venue; one that already has a venue is
//! skipped, so the action can be repeated.

use super::{ActivityForm, BranchVenueList, DebugSlotInput, ParticipantInput, VenueInput};
use super::{ok, owner_path};
use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::orgs::org_by_code;
use renke_domain::activity::{
    ParticipantCategory, ParticipantSpec, VenueKind, VenueSpec, parse_capacity,
    parse_local_datetime, parse_url,
};
use renke_domain::error::{LIST_MAX, SHORT_LIST_MAX, check_list_lengths};
use renke_domain::perm::Action;
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::StoreError;
use renke_store::activities::{self, Activity, Venue};
use renke_store::venues::{self as store, Addressee, VenueOrg};

// ---------------------------------------------------------------- validation

/// `name` under `prefix` (`venues[0].name`), or `name` alone for an empty prefix.
fn field(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Participant rows as the domain's values, each error on its row's field under `prefix`
/// (`participants[1].label`); directory organisations are looked up by code.
pub(super) async fn participant_specs(
    app: &App,
    errs: &mut Invalid,
    prefix: &str,
    rows: &[ParticipantInput],
) -> Result<Vec<ParticipantSpec>, AppError> {
    let mut out = Vec::new();
    for (j, pt) in rows.iter().enumerate() {
        let q = field(prefix, &format!("participants[{j}]"));
        let category = ok(
            ParticipantCategory::parse(&field(&q, "category"), &pt.category),
            errs,
        );
        let label = ok(Line::parse(&field(&q, "label"), &pt.label, 200), errs);
        let org_id = if pt.org_code.trim().is_empty() {
            None
        } else {
            org_by_code(app, errs, &field(&q, "org_code"), &pt.org_code)
                .await?
                .map(|o| o.id)
        };
        if let (Some(category), Some(label)) = (category, label) {
            out.push(ParticipantSpec {
                category,
                org_id,
                label,
            });
        }
    }
    Ok(out)
}

/// Venue `v` as the domain's value, with its participants; every error on its field under
/// `prefix` (`venues[0].name`, `name` for an empty prefix). `None` when a field is wrong.
pub(super) async fn venue_spec(
    app: &App,
    errs: &mut Invalid,
    prefix: &str,
    v: &VenueInput,
) -> Result<Option<VenueSpec>, AppError> {
    let kind = ok(VenueKind::parse(&field(prefix, "kind"), &v.kind), errs);
    let name = ok(Line::parse(&field(prefix, "name"), &v.name, 200), errs);
    let org_id = if v.org_code.trim().is_empty() {
        None
    } else {
        org_by_code(app, errs, &field(prefix, "org_code"), &v.org_code)
            .await?
            .map(|o| o.id)
    };
    let address = ok(
        Line::parse_opt(&field(prefix, "address"), &v.address, 300),
        errs,
    );
    let room = ok(Line::parse_opt(&field(prefix, "room"), &v.room, 100), errs);
    let capacity = ok(
        parse_capacity(&field(prefix, "capacity"), &v.capacity),
        errs,
    );
    let url = ok(parse_url(&field(prefix, "url"), &v.url), errs);
    let participants = participant_specs(app, errs, prefix, &v.participants).await?;
    Ok(match (kind, name, address, room, capacity, url) {
        (Some(kind), Some(name), Some(address), Some(room), Some(capacity), Some(url)) => {
            Some(VenueSpec {
                kind,
                name,
                org_id,
                address,
                room,
                capacity,
                url,
                participants,
            })
        }
        _ => None,
    })
}

/// The organisations that get a branch venue as addressees of notice `notice_id` (every
/// one but `owner`), for the activity form's `branch_venues.addressees`. Refused on that
/// field: `needs_notice` without a notice, `too_many` beyond [`LIST_MAX`]. A notice the
/// caller may not read gives none (the form refuses it on `notice_id`).
pub(super) async fn addressee_orgs(
    app: &App,
    me: &Caller,
    errs: &mut Invalid,
    notice_id: Option<i64>,
    owner: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    const FIELD: &str = "branch_venues.addressees";
    let Some(n) = notice_id else {
        errs.push(FieldError::new(FIELD, "needs_notice"));
        return Ok(Vec::new());
    };
    match crate::notices::readable_notice(app, Some(me), n).await {
        Ok(_) => {}
        Err(AppError::NotFound | AppError::Forbidden) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    }
    let ids: Vec<i64> = store::notice_addressees(&app.db, n)
        .await?
        .into_iter()
        .map(|a| a.org_id)
        .filter(|id| Some(*id) != owner)
        .collect();
    if let Err(e) = check_list_lengths(&[(FIELD, ids.len(), LIST_MAX)]) {
        errs.0.extend(e.0);
        return Ok(Vec::new());
    }
    Ok(ids)
}

// ---------------------------------------------------------------- the new-activity form

/// A venue as typed on a page, read from the posted fields: `{prefix}kind`, `{prefix}name`,
/// `{prefix}org_code`, `{prefix}address`, `{prefix}room`, `{prefix}capacity`,
/// `{prefix}url`, and participant rows as repeated `participant_category`,
/// `participant_label`, `participant_org` (one of each per row; a row with neither label
/// nor organisation is no participant).
pub fn venue_input_from_pairs(pairs: &[(String, String)], prefix: &str) -> VenueInput {
    let mut v = VenueInput::default();
    let (mut cats, mut labels, mut orgs) = (Vec::new(), Vec::new(), Vec::new());
    for (k, val) in pairs {
        match k.as_str() {
            "participant_category" => cats.push(val.clone()),
            "participant_label" => labels.push(val.clone()),
            "participant_org" => orgs.push(val.clone()),
            _ => match k.strip_prefix(prefix) {
                Some("kind") => v.kind = val.clone(),
                Some("name") => v.name = val.clone(),
                Some("org_code") => v.org_code = val.clone(),
                Some("address") => v.address = val.clone(),
                Some("room") => v.room = val.clone(),
                Some("capacity") => v.capacity = val.clone(),
                Some("url") => v.url = val.clone(),
                _ => {}
            },
        }
    }
    v.participants = participant_rows(cats, labels, orgs);
    v
}

/// Participant rows from their columns; rows with neither label nor organisation dropped.
fn participant_rows(
    cats: Vec<String>,
    labels: Vec<String>,
    orgs: Vec<String>,
) -> Vec<ParticipantInput> {
    cats.into_iter()
        .enumerate()
        .filter_map(|(i, category)| {
            let label = labels.get(i).cloned().unwrap_or_default();
            let org_code = orgs.get(i).cloned().unwrap_or_default();
            (!label.trim().is_empty() || !org_code.trim().is_empty()).then_some(ParticipantInput {
                category,
                org_code,
                label,
            })
        })
        .collect()
}

/// The participant rows of a page's form (`participant_category`, `participant_label`,
/// `participant_org`, repeated), for adding participants to a venue.
pub fn participants_from_pairs(pairs: &[(String, String)]) -> Vec<ParticipantInput> {
    let (mut cats, mut labels, mut orgs) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in pairs {
        match k.as_str() {
            "participant_category" => cats.push(v.clone()),
            "participant_label" => labels.push(v.clone()),
            "participant_org" => orgs.push(v.clone()),
            _ => {}
        }
    }
    participant_rows(cats, labels, orgs)
}

/// Reads the venue fieldset of the new-activity page into `f`: the main venue (`venue_…`
/// fields with its participant rows; absent when nothing of it is typed), the checkbox
/// `branch_addressees` (为每个主送单位设分会场) and debugging slot rows as repeated
/// `debug_slot_label`, `debug_slot_starts_at` (an empty row is no slot).
pub(super) fn read_form_pairs(pairs: &[(String, String)], f: &mut ActivityForm) {
    let mut v = venue_input_from_pairs(pairs, "venue_");
    let typed = [&v.name, &v.address, &v.room, &v.capacity, &v.url]
        .iter()
        .any(|s| !s.trim().is_empty())
        || !v.participants.is_empty();
    if typed {
        if v.kind.trim().is_empty() {
            v.kind = VenueKind::Main.as_str().to_owned();
        }
        f.venues.push(v);
    }
    if pairs
        .iter()
        .any(|(k, v)| k == "branch_addressees" && !v.is_empty())
    {
        f.branch_venues
            .get_or_insert_with(BranchVenueList::default)
            .addressees = true;
    }
    let labels = pairs.iter().filter(|(k, _)| k == "debug_slot_label");
    let starts = pairs.iter().filter(|(k, _)| k == "debug_slot_starts_at");
    for ((_, label), (_, starts_at)) in labels.zip(starts) {
        if label.trim().is_empty() && starts_at.trim().is_empty() {
            continue;
        }
        f.debug_slots.push(DebugSlotInput {
            label: label.clone(),
            starts_at: starts_at.clone(),
        });
    }
}

// ---------------------------------------------------------------- reading

/// An activity's venues as the page that manages them shows them.
pub struct VenuesView {
    pub activity: Activity,
    /// The organisations that host its venues or are named by their participants.
    pub orgs: Vec<VenueOrg>,
    /// The addressees of its notice, except its owner (none without a notice).
    pub addressees: Vec<Addressee>,
}

impl VenuesView {
    /// The organisation with id `id`, if a venue or a participant names it.
    pub fn org(&self, id: Option<i64>) -> Option<&VenueOrg> {
        id.and_then(|id| self.orgs.iter().find(|o| o.id == id))
    }
    /// The venue with id `id`.
    pub fn venue(&self, id: i64) -> Option<&Venue> {
        self.activity.venues.iter().find(|v| v.id == id)
    }
    /// How many addressees have no venue yet: the branch venues the action would add.
    pub fn addressees_without_venue(&self) -> usize {
        self.addressees
            .iter()
            .filter(|a| {
                !self
                    .activity
                    .venues
                    .iter()
                    .any(|v| v.org_id == Some(a.org_id))
            })
            .count()
    }
    /// Venue `id` as its form shows it: the stored values, the host by its code.
    pub fn venue_input(&self, id: i64) -> Option<VenueInput> {
        let v = self.venue(id)?;
        Some(VenueInput {
            kind: v.kind.clone(),
            name: v.name.clone(),
            org_code: self
                .org(v.org_id)
                .map(|o| o.code.clone())
                .unwrap_or_default(),
            address: v.address.clone().unwrap_or_default(),
            room: v.room.clone().unwrap_or_default(),
            capacity: v.capacity.map(|c| c.to_string()).unwrap_or_default(),
            url: v.url.clone().unwrap_or_default(),
            participants: Vec::new(),
        })
    }
    /// The sessions that take place at venue `id`.
    pub fn sessions_at(&self, id: i64) -> usize {
        self.activity
            .sessions
            .iter()
            .filter(|s| s.venue_id == Some(id))
            .count()
    }
}

/// Activity `id` for a caller who manages it (Manage on its owner).
async fn managed(app: &App, me: &Caller, id: i64) -> Result<Activity, AppError> {
    let a = activities::get(&app.db, id).await?;
    me.actor().may(Action::Manage, &owner_path(&a.row)?)?;
    Ok(a)
}

/// The venues, participants, debugging slots and notice addressees of an activity the
/// caller manages.
pub async fn venues_view(app: &App, me: &Caller, activity_id: i64) -> Result<VenuesView, AppError> {
    let activity = managed(app, me, activity_id).await?;
    let orgs = store::venue_orgs(&app.db, activity_id).await?;
    let addressees = match activity.row.notice_id {
        Some(n) => store::notice_addressees(&app.db, n)
            .await?
            .into_iter()
            .filter(|a| a.org_id != activity.row.owner_org_id)
            .collect(),
        None => Vec::new(),
    };
    Ok(VenuesView {
        activity,
        orgs,
        addressees,
    })
}

// ---------------------------------------------------------------- writing

/// A venue typed on the manage page as the domain's value: a branch venue names the
/// organisation hosting it (`org_code` required), and an organisation hosts at most one
/// venue of the activity (`venue_org_taken`, checked here against `a` except venue
/// `except`, and by the database's constraint).
async fn checked_venue(
    app: &App,
    a: &Activity,
    except: Option<i64>,
    f: &VenueInput,
) -> Result<VenueSpec, AppError> {
    let mut errs = Invalid::default();
    if let Err(e) = check_list_lengths(&[("participants", f.participants.len(), LIST_MAX)]) {
        return Err(e.into());
    }
    let spec = venue_spec(app, &mut errs, "", f).await?;
    if VenueKind::parse("kind", &f.kind) == Ok(VenueKind::Branch) && f.org_code.trim().is_empty() {
        errs.push(FieldError::new("org_code", "required"));
    }
    if let Some(org) = spec.as_ref().and_then(|s| s.org_id)
        && a.venues
            .iter()
            .any(|v| v.org_id == Some(org) && Some(v.id) != except)
    {
        errs.push(FieldError::new("org_code", "venue_org_taken").with("value", f.org_code.trim()));
    }
    errs.into_result()?;
    spec.ok_or(AppError::NotFound)
}

/// The refusal of a second venue hosted by one organisation, from the database's
/// constraint (named per backend), on `org_code`; other errors as they are.
fn venue_conflict(e: StoreError, code: &str) -> AppError {
    match &e {
        StoreError::Conflict { constraint }
            if constraint == "activity_venues_org_key"
                || constraint == "activity_venues_activity_id_org_id_key" =>
        {
            FieldError::new("org_code", "venue_org_taken")
                .with("value", code.trim())
                .into()
        }
        _ => e.into(),
    }
}

/// Adds a venue with its participants to an activity the caller manages. Every bad field
/// is reported at once (`name`, `participants[0].label` …) and nothing is stored.
pub async fn add_venue(
    app: &App,
    me: &Caller,
    activity_id: i64,
    f: &VenueInput,
) -> Result<i64, AppError> {
    let a = managed(app, me, activity_id).await?;
    if a.venues.len() >= LIST_MAX {
        return Err(FieldError::new("name", "too_many")
            .with("max", LIST_MAX)
            .with("actual", a.venues.len() + 1)
            .into());
    }
    let spec = checked_venue(app, &a, None, f).await?;
    store::add_venue(&app.db, activity_id, &spec)
        .await
        .map_err(|e| venue_conflict(e, &f.org_code))
}

/// Changes a venue's kind, name, host, address, room, capacity and link (its participants
/// stay), for a caller who manages its activity.
pub async fn update_venue(
    app: &App,
    me: &Caller,
    activity_id: i64,
    venue_id: i64,
    f: &VenueInput,
) -> Result<(), AppError> {
    let a = managed(app, me, activity_id).await?;
    if !a.venues.iter().any(|v| v.id == venue_id) {
        return Err(AppError::NotFound);
    }
    let mut spec = checked_venue(app, &a, Some(venue_id), f).await?;
    spec.participants.clear();
    store::update_venue(&app.db, activity_id, venue_id, &spec)
        .await
        .map_err(|e| venue_conflict(e, &f.org_code))
}

/// Removes a venue with its participants and readiness reports, for a caller who manages
/// its activity. A venue where a session takes place is kept (`venue_has_sessions` on
/// `venue_id`, with the number of sessions): the sessions move first.
pub async fn remove_venue(
    app: &App,
    me: &Caller,
    activity_id: i64,
    venue_id: i64,
) -> Result<(), AppError> {
    let a = managed(app, me, activity_id).await?;
    if !a.venues.iter().any(|v| v.id == venue_id) {
        return Err(AppError::NotFound);
    }
    let refused = |n: usize| -> AppError {
        FieldError::new("venue_id", "venue_has_sessions")
            .with("sessions", n)
            .into()
    };
    let sessions = a
        .sessions
        .iter()
        .filter(|s| s.venue_id == Some(venue_id))
        .count();
    if sessions > 0 {
        return Err(refused(sessions));
    }
    match store::remove_venue(&app.db, activity_id, venue_id).await {
        Err(StoreError::State("venue_has_sessions")) => Err(refused(1)),
        other => Ok(other?),
    }
}

/// Adds participant rows (category, label, optionally a directory organisation) to a venue
/// of an activity the caller manages, in one transaction; returns how many. Every bad row
/// is reported on its field (`participants[1].label`) and nothing is stored; no row at all
/// is refused on `participants[0].label`.
pub async fn add_participants(
    app: &App,
    me: &Caller,
    activity_id: i64,
    venue_id: i64,
    rows: &[ParticipantInput],
) -> Result<usize, AppError> {
    let a = managed(app, me, activity_id).await?;
    let Some(venue) = a.venues.iter().find(|v| v.id == venue_id) else {
        return Err(AppError::NotFound);
    };
    if rows.is_empty() {
        return Err(FieldError::new("participants[0].label", "required").into());
    }
    check_list_lengths(&[(
        "participants",
        venue.participants.len() + rows.len(),
        LIST_MAX,
    )])?;
    let mut errs = Invalid::default();
    let specs = participant_specs(app, &mut errs, "", rows).await?;
    errs.into_result()?;
    store::add_participants(&app.db, activity_id, venue_id, &specs).await?;
    Ok(specs.len())
}

/// Removes the participant at `position` of a venue of an activity the caller manages.
pub async fn remove_participant(
    app: &App,
    me: &Caller,
    activity_id: i64,
    venue_id: i64,
    position: i32,
) -> Result<(), AppError> {
    managed(app, me, activity_id).await?;
    Ok(store::remove_participant(&app.db, activity_id, venue_id, position).await?)
}

/// What the branch-venue action did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BranchVenuesAdded {
    /// Branch venues added, one per addressee that had no venue.
    pub added: u64,
    /// Addressees that already had a venue, left as they were.
    pub kept: usize,
}

/// 为每个主送单位设分会场 on an activity the caller manages: one branch venue, named after
/// the organisation, for every addressee of its notice but the owner, in one transaction;
/// addressees that already have a venue are skipped, so a second click adds nothing.
/// Refused on `notice_id` (`needs_notice`) for an activity without a notice.
pub async fn add_addressee_branch_venues(
    app: &App,
    me: &Caller,
    activity_id: i64,
) -> Result<BranchVenuesAdded, AppError> {
    let a = managed(app, me, activity_id).await?;
    let Some(n) = a.row.notice_id else {
        return Err(AppError::field("notice_id", "needs_notice"));
    };
    let ids: Vec<i64> = store::notice_addressees(&app.db, n)
        .await?
        .into_iter()
        .map(|x| x.org_id)
        .filter(|id| *id != a.row.owner_org_id)
        .collect();
    check_list_lengths(&[("addressees", ids.len(), LIST_MAX)])?;
    let added = activities::add_branch_venues(&app.db, activity_id, &ids).await?;
    Ok(BranchVenuesAdded {
        added,
        kept: ids.len().saturating_sub(added as usize),
    })
}

/// Adds a debugging slot (联调: label and Beijing time) to an activity the caller manages;
/// refused on `label` and `starts_at` with nothing stored.
pub async fn add_debug_slot(
    app: &App,
    me: &Caller,
    activity_id: i64,
    f: &DebugSlotInput,
) -> Result<i64, AppError> {
    let a = managed(app, me, activity_id).await?;
    check_list_lengths(&[("label", a.debug_slots.len() + 1, SHORT_LIST_MAX)])?;
    let mut errs = Invalid::default();
    let label = ok(Line::parse("label", &f.label, 100), &mut errs);
    let at = ok(parse_local_datetime("starts_at", &f.starts_at), &mut errs);
    errs.into_result()?;
    let (Some(label), Some(at)) = (label, at) else {
        return Err(AppError::NotFound);
    };
    Ok(activities::add_debug_slot(&app.db, activity_id, label.as_str(), at).await?)
}

/// Removes a debugging slot, with the venues' reports on it, from an activity the caller
/// manages.
pub async fn remove_debug_slot(
    app: &App,
    me: &Caller,
    activity_id: i64,
    slot_id: i64,
) -> Result<(), AppError> {
    managed(app, me, activity_id).await?;
    Ok(store::remove_debug_slot(&app.db, activity_id, slot_id).await?)
}
