//! The error answers every operation shares, documented once for the whole document rather
//! than on each `#[utoipa::path]`: what the extractors and layers answer follows from what an
//! operation takes, so it is derived from the operation itself. An operation's own entry
//! for a status (with its specific codes) is kept; only missing ones are added.
//!
//! - **401** when the operation needs a login or token ([`crate::auth::ApiUser`]);
//! - **403** on every POST, PUT, PATCH and DELETE: the CSRF check ([`crate::csrf`]);
//! - **404** when the path has an id ([`super::extract::ApiPath`]: not a number names nothing);
//! - **422** when the operation reads a body or query parameters
//!   ([`super::extract::ApiJson`], [`super::extract::ApiQuery`]).
//!
//! Every one answers [`ErrorBody`] as JSON.

use crate::error::ErrorBody;
use utoipa::ToSchema;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};

const UNAUTHENTICATED: &str = "未登录、会话过期或令牌无效 Not logged in: \
    `not_logged_in`, `session_expired`, `invalid_token`";
const CSRF: &str = "CSRF 检查失败：会话请求须带 `X-CSRF-Token`，且来自本站 \
    CSRF check failed: `csrf_missing`, `csrf_mismatch`, `cross_origin`";
const NOT_FOUND: &str = "没有这个对象，或路径中的编号不是数字 \
    Not found, or an id in the path is not a number: `not_found`";
const INVALID: &str = "输入有误，逐个字段说明；无法读取的请求体为字段 `body` 的 `malformed_json` \
    Invalid input, every bad field named; an unreadable body is `malformed_json` on `body`";

/// Adds the shared error answers to every operation of `doc`.
pub fn add_standard_errors(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_id = path.contains('{');
        let operations = [
            (false, &mut item.get),
            (true, &mut item.post),
            (true, &mut item.put),
            (true, &mut item.patch),
            (true, &mut item.delete),
        ];
        for (unsafe_method, op) in operations {
            let Some(op) = op.as_mut() else { continue };
            if needs_login(op) {
                add(op, "401", UNAUTHENTICATED);
            }
            if unsafe_method {
                add(op, "403", CSRF);
            }
            if has_id {
                add(op, "404", NOT_FOUND);
            }
            if reads_input(op) {
                add(op, "422", INVALID);
            }
        }
    }
}

/// Security is required and no alternative is the empty requirement (anonymous allowed).
fn needs_login(op: &Operation) -> bool {
    op.security.as_ref().is_some_and(|alternatives| {
        !alternatives.is_empty()
            && !alternatives
                .iter()
                .any(|r| *r == SecurityRequirement::default())
    })
}

fn reads_input(op: &Operation) -> bool {
    op.request_body.is_some()
        || op
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query))
}

fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::T(error_response(description)));
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                .build(),
        )
        .build()
}
