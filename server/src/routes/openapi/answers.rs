//! The statuses an operation can answer before or beside its handler, added to every operation
//! they apply to (a handler's own description of a status wins):
//!
//! - every operation: 408 (`SSPR_REQUEST_TIMEOUT_SECS`), 503 (the database does not answer);
//! - every operation but the health check: 429 (the per-address request limit);
//! - every state-changing operation: 403 (the CSRF check);
//! - every operation with a JSON body: 400 (not JSON, or not the request's shape), 413 (over
//!   the body limit), 415 (not sent as `application/json`);
//! - every operation with query parameters: 422 (one not listed, or not valid; 400 under
//!   Graph, which answers validation errors so);
//! - every operation with a path parameter: 404 (it names nothing);
//! - every admin operation behind the admin session, and every Graph operation: 401.
//!
//! Graph's operations answer in Graph's error shape (`GraphErrorBody`).

use serde_json::{json, Map, Value};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Admin operations a signed-out caller may call.
const ADMIN_SIGN_IN: [(&str, &str); 3] = [
    ("post", "/api/admin/bootstrap"),
    ("post", "/api/admin/totp/confirm"),
    ("post", "/api/admin/session"),
];

/// Adds the cross-cutting statuses to every operation of `document`.
pub fn add(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            for (status, description) in statuses(path, method, operation) {
                add_response(operation, path, status, description);
            }
        }
    }
}

/// The statuses `method path` can answer besides its handler's.
fn statuses(
    path: &str,
    method: &str,
    operation: &Map<String, Value>,
) -> Vec<(&'static str, &'static str)> {
    let mut statuses = vec![
        ("408", "The request took too long (`timeout`)"),
        (
            "503",
            "The database does not answer (`database_unavailable`)",
        ),
    ];
    if path != "/api/health" {
        statuses.push((
            "429",
            "Too many requests from this client address (`too_many_requests`)",
        ));
    }
    if method != "get" {
        statuses.push((
            "403",
            "The CSRF check failed (`csrf_failed`), or the caller may not do this (`forbidden`)",
        ));
    }
    if operation.contains_key("requestBody") {
        statuses.push((
            "400",
            "The body is not JSON, or not of the request's shape (`invalid_json`)",
        ));
        statuses.push(("413", "The body is over 64 KiB (`payload_too_large`)"));
        statuses.push((
            "415",
            "The body was not sent as `application/json` (`unsupported_media_type`)",
        ));
    }
    let has_query = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
    if has_query && path.starts_with("/api/graph/") {
        // Graph answers its validation errors as 400 `BadRequest`.
        statuses.push((
            "400",
            "A query parameter that is not listed, or not valid (`validation_failed`)",
        ));
    } else if has_query {
        statuses.push((
            "422",
            "A query parameter that is not listed, or not valid (`validation_failed`)",
        ));
    }
    if path.contains('{') {
        statuses.push(("404", "Nothing has this id (`not_found`)"));
    }
    let admin = path.starts_with("/api/admin/") && !ADMIN_SIGN_IN.contains(&(method, path));
    if admin || path.starts_with("/api/graph/") {
        statuses.push(("401", "Not signed in as an administrator (`unauthorized`)"));
    }
    statuses
}

fn add_response(operation: &mut Map<String, Value>, path: &str, status: &str, description: &str) {
    let body = if path.starts_with("/api/graph/") {
        "GraphErrorBody"
    } else {
        "ErrorBody"
    };
    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    if let Some(responses) = responses {
        responses.entry(status).or_insert_with(|| {
            json!({
                "description": description,
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{body}")}}}
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_add_their_statuses_and_handlers_keep_theirs() {
        let mut document = json!({"paths": {
            "/api/things/{id}": {"post": {"requestBody": {}, "responses": {"404": {"description": "mine"}}}},
            "/api/health": {"get": {"responses": {}}},
            "/api/graph/v1.0/x": {"get": {"responses": {}}}
        }});
        add(&mut document);
        let post = &document["paths"]["/api/things/{id}"]["post"]["responses"];
        for status in ["400", "403", "408", "413", "415", "429", "503"] {
            assert!(post.get(status).is_some(), "{status}");
        }
        assert_eq!(post["404"]["description"], "mine");
        let health = &document["paths"]["/api/health"]["get"]["responses"];
        assert!(health.get("429").is_none() && health.get("403").is_none());
        let graph = &document["paths"]["/api/graph/v1.0/x"]["get"]["responses"];
        assert_eq!(
            graph["401"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GraphErrorBody"
        );
    }
}
