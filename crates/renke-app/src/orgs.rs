//! The organisation tree: reading, searching, creating, editing and moving organisations.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use renke_domain::contact::{parse_email, parse_phone};
use renke_domain::org::{AdminLevel, CmaLevel, OrgCode, OrgKind, Region};
use renke_domain::perm::Action;
use renke_domain::text::Line;
use renke_domain::{FieldError, Invalid};
use renke_store::orgs::{self, NewOrg, Org, OrgNode, OrgQuery, OrgUpdate, Page};
use serde::Deserialize;

// ---------------------------------------------------------------- organisations

/// An organisation with what its page shows.
pub struct OrgDetail {
    pub org: Org,
    pub ancestors: Vec<Org>,
    pub children: Page<OrgNode>,
    pub subtree_count: i64,
    pub may_manage: bool,
    pub may_move: bool,
    pub may_manage_accounts: bool,
    /// The ancestors and children the caller may open (the page links those only).
    pub viewable: std::collections::HashSet<i64>,
}

impl OrgDetail {
    /// Whether the page may link organisation `id` (an ancestor or a child shown on it).
    pub fn may_view(&self, id: &i64) -> bool {
        self.viewable.contains(id)
    }
}

async fn visible_org(app: &App, me: &Caller, id: i64) -> Result<Org, AppError> {
    let org = orgs::get(&app.db, id).await?;
    me.actor().may(Action::View, &org.path)?;
    Ok(org)
}

pub async fn org_detail(
    app: &App,
    me: &Caller,
    id: i64,
    offset: i64,
    limit: i64,
) -> Result<OrgDetail, AppError> {
    // The organisation, its ancestors and its counts in one statement, the children's
    // page in another.
    let placed = orgs::placed(&app.db, id).await?;
    let actor = me.actor();
    actor.may(Action::View, &placed.org.path)?;
    let children = orgs::children_of(&app.db, &placed, offset, limit).await?;
    let orgs::Placed {
        org,
        chain: ancestors,
        subtree_count,
        ..
    } = placed;
    let viewable = ancestors
        .iter()
        .map(|a| (a.id, &a.path))
        .chain(children.items.iter().map(|n| (n.org.id, &n.org.path)))
        .filter(|(_, path)| actor.may(Action::View, path).is_ok())
        .map(|(id, _)| id)
        .collect();
    Ok(OrgDetail {
        viewable,
        may_manage: actor.may(Action::Manage, &org.path).is_ok(),
        may_move: actor.may(Action::Move, &org.path).is_ok(),
        may_manage_accounts: actor.may(Action::ManageAccounts, &org.path).is_ok(),
        org,
        ancestors,
        children,
        subtree_count,
    })
}

/// An organisation the caller may manage (for the forms that create a child or edit it).
pub async fn managed_org(app: &App, me: &Caller, id: i64) -> Result<Org, AppError> {
    let org = visible_org(app, me, id).await?;
    me.actor().may(Action::Manage, &org.path)?;
    Ok(org)
}

pub async fn get_org(app: &App, me: &Caller, id: i64) -> Result<Org, AppError> {
    visible_org(app, me, id).await
}

pub async fn children(
    app: &App,
    me: &Caller,
    id: i64,
    offset: i64,
    limit: i64,
) -> Result<Page<OrgNode>, AppError> {
    let org = visible_org(app, me, id).await?;
    Ok(orgs::children(&app.db, org.id, offset, limit).await?)
}

/// How many organisations the caller's own subtree holds (its home page's figure).
pub async fn own_subtree_count(app: &App, me: &Caller) -> Result<i64, AppError> {
    Ok(orgs::subtree_count(&app.db, &me.org_path).await?)
}

/// The directory as (code, name) pairs for a form's organisation picker, up to `limit`:
/// the same scope as [`search_orgs`] (the caller's own subtree; administrators: all).
pub async fn directory_choices(
    app: &App,
    me: &Caller,
    limit: i64,
) -> Result<Vec<(String, String)>, AppError> {
    let q = OrgQuery {
        limit,
        ..Default::default()
    };
    Ok(search_orgs(app, me, q)
        .await?
        .items
        .into_iter()
        .map(|o| (o.code, o.name))
        .collect())
}

/// Search within what the account may see: its own subtree (administrators: everything).
pub async fn search_orgs(app: &App, me: &Caller, mut q: OrgQuery) -> Result<Page<Org>, AppError> {
    let actor = me.actor();
    q.within = match q.within {
        Some(w) => {
            if actor.may(Action::View, &w).is_err() {
                return Err(AppError::Forbidden);
            }
            // Searching below an ancestor stays inside one's own subtree.
            if actor.is_admin() || w.is_within(&me.org_path) {
                Some(w)
            } else {
                Some(me.org_path.clone())
            }
        }
        None if actor.is_admin() => None,
        None => Some(me.org_path.clone()),
    };
    Ok(orgs::search(&app.db, &q).await?)
}

/// Organisation form input as typed.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct OrgInput {
    #[serde(default)]
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub name_en: String,
    pub kind: String,
    #[serde(default)]
    pub admin_level: String,
    #[serde(default)]
    pub cma_level: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
}

struct ValidOrg {
    name: Line,
    short_name: Option<Line>,
    name_en: Option<Line>,
    kind: OrgKind,
    admin_level: Option<AdminLevel>,
    cma_level: Option<CmaLevel>,
    region: Region,
    contact_name: Option<Line>,
    contact_phone: Option<Line>,
    contact_email: Option<Line>,
}

pub(crate) fn opt<T>(errs: &mut Invalid, r: Result<Option<T>, FieldError>) -> Option<T> {
    r.map_err(|e| errs.push(e)).ok().flatten()
}

impl OrgInput {
    fn validate(&self) -> Result<ValidOrg, Invalid> {
        let mut errs = Invalid::default();
        let name = Line::parse("name", &self.name, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let short_name = opt(
            &mut errs,
            Line::parse_opt("short_name", &self.short_name, 50),
        );
        let name_en = opt(&mut errs, Line::parse_opt("name_en", &self.name_en, 300));
        let kind = OrgKind::parse("kind", &self.kind)
            .map_err(|e| errs.push(e))
            .ok();
        let admin_level = opt(
            &mut errs,
            Some(self.admin_level.trim())
                .filter(|s| !s.is_empty())
                .map(|s| AdminLevel::parse("admin_level", s))
                .transpose(),
        );
        let cma_level = opt(
            &mut errs,
            Some(self.cma_level.trim())
                .filter(|s| !s.is_empty())
                .map(|s| CmaLevel::parse("cma_level", s))
                .transpose(),
        );
        let region = match self.region.trim() {
            "" => Region::Mainland,
            s => Region::parse("region", s)
                .map_err(|e| errs.push(e))
                .unwrap_or(Region::Mainland),
        };
        if kind == Some(OrgKind::Regulator)
            && admin_level.is_none()
            && errs.0.iter().all(|e| e.field != "admin_level")
        {
            errs.push(FieldError::new("admin_level", "required"));
        }
        let contact_name = opt(
            &mut errs,
            Line::parse_opt("contact_name", &self.contact_name, 50),
        );
        let contact_phone = opt(&mut errs, parse_phone("contact_phone", &self.contact_phone));
        let contact_email = opt(&mut errs, parse_email("contact_email", &self.contact_email));
        errs.clone().into_result()?;
        match (name, kind) {
            (Some(name), Some(kind)) => Ok(ValidOrg {
                name,
                short_name,
                name_en,
                kind,
                admin_level: if kind == OrgKind::Regulator {
                    admin_level
                } else {
                    None
                },
                cma_level: if kind == OrgKind::Lab {
                    cma_level
                } else {
                    None
                },
                region,
                contact_name,
                contact_phone,
                contact_email,
            }),
            _ => Err(errs),
        }
    }
}

pub(crate) fn s(l: Option<Line>) -> Option<String> {
    l.map(Line::into_inner)
}

/// Creates an organisation under `parent_id`.
pub async fn create_org(
    app: &App,
    me: &Caller,
    parent_id: i64,
    input: &OrgInput,
) -> Result<Org, AppError> {
    let parent = orgs::get(&app.db, parent_id).await?;
    me.actor().may(Action::Manage, &parent.path)?;
    let mut errs = Invalid::default();
    let code = OrgCode::parse("code", &input.code)
        .map_err(|e| errs.push(e))
        .ok();
    let v = match input.validate() {
        Ok(v) => Some(v),
        Err(e) => {
            errs.0.extend(e.0);
            None
        }
    };
    let (Some(code), Some(v)) = (code, v) else {
        return Err(AppError::Invalid(errs));
    };
    let new = NewOrg {
        code,
        parent: Some(OrgCode::parse("parent", &parent.code)?),
        name: v.name.into_inner(),
        short_name: s(v.short_name),
        name_en: s(v.name_en),
        kind: v.kind,
        admin_level: v.admin_level,
        cma_level: v.cma_level,
        region: v.region,
        contact_name: s(v.contact_name),
        contact_phone: s(v.contact_phone),
        contact_email: s(v.contact_email),
    };
    Ok(orgs::create(&app.db, &new, app.clock.now()).await?)
}

pub async fn update_org(
    app: &App,
    me: &Caller,
    id: i64,
    input: &OrgInput,
) -> Result<Org, AppError> {
    let org = orgs::get(&app.db, id).await?;
    me.actor().may(Action::Manage, &org.path)?;
    let v = input.validate()?;
    let u = OrgUpdate {
        name: v.name.into_inner(),
        short_name: s(v.short_name),
        name_en: s(v.name_en),
        kind: v.kind,
        admin_level: v.admin_level,
        cma_level: v.cma_level,
        region: v.region,
        contact_name: s(v.contact_name),
        contact_phone: s(v.contact_phone),
        contact_email: s(v.contact_email),
    };
    Ok(orgs::update(&app.db, id, &u, app.clock.now()).await?)
}

/// Moves an organisation (with its subtree) under the organisation with `new_parent_code`.
pub async fn move_org(
    app: &App,
    me: &Caller,
    id: i64,
    new_parent_code: &str,
) -> Result<Org, AppError> {
    let org = orgs::get(&app.db, id).await?;
    me.actor().may(Action::Move, &org.path)?;
    let code = OrgCode::parse("parent", new_parent_code)?;
    let mut errs = Invalid::default();
    let Some(parent) = org_by_code(app, &mut errs, "parent", code.as_str()).await? else {
        return Err(AppError::Invalid(errs));
    };
    me.actor().may(Action::Manage, &parent.path)?;
    Ok(orgs::move_subtree(&app.db, id, parent.id, app.clock.now()).await?)
}

/// The organisation with `code`, or else the one organisation whose name or short name is
/// or contains the text typed (a name typed where a code is asked finds its organisation).
/// Nothing found adds `unknown_org` on `field` to `errs`; several found add
/// `ambiguous_org` with the first few names, so the person can type more of one. Both give
/// `None`.
pub(crate) async fn org_by_code(
    app: &App,
    errs: &mut Invalid,
    field: &str,
    code: &str,
) -> Result<Option<Org>, AppError> {
    let text = code.trim();
    match orgs::get_by_code(&app.db, text).await {
        Ok(o) => return Ok(Some(o)),
        Err(renke_store::StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    const SHOWN: usize = 5;
    let found = if text.is_empty() {
        Vec::new()
    } else {
        orgs::search(
            &app.db,
            &orgs::OrgQuery {
                text: Some(text.to_owned()),
                limit: 50,
                ..Default::default()
            },
        )
        .await?
        .items
    };
    let exact = found
        .iter()
        .position(|o| o.name == text || o.short_name.as_deref() == Some(text));
    match (found.len(), exact) {
        (1, _) => Ok(found.into_iter().next()),
        (_, Some(i)) => Ok(found.into_iter().nth(i)),
        (0, _) => {
            errs.push(FieldError::new(field, "unknown_org").with("value", text));
            Ok(None)
        }
        (n, None) => {
            let mut names: Vec<&str> = found.iter().take(SHOWN).map(|o| o.name.as_str()).collect();
            if n > SHOWN {
                names.push("…");
            }
            errs.push(
                FieldError::new(field, "ambiguous_org")
                    .with("value", text)
                    .with("matches", names.join("、")),
            );
            Ok(None)
        }
    }
}
