//! The portal's one OpenAPI description, `/api/v1/openapi.json`: every function's part, generated
//! from the answers' types and the handlers' declarations (utoipa), merged under one title.
//!
//! The document is committed as `static/openapi.json` (the auth function serves it, so no
//! function links every other): `cargo run -p skazka-local --bin skazka-openapi >
//! static/openapi.json` writes it, and a test fails when it differs from what the code generates.

use serde_json::{Value, json};
use utoipa::OpenApi;

/// What every part shares: the problem body of the error answers, and the bearer token of the
/// sign-in API (browsers send the same token in a cookie).
#[derive(OpenApi)]
#[openapi(
    components(schemas(skazka_web::Problem)),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
struct Shared;

struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The access token of POST /api/v1/auth/token (15 minutes; refresh it)",
                    ))
                    .build(),
            ),
        );
    }
}

/// Each function's generated part, by function (`/health` is every function's).
pub fn parts() -> Vec<(&'static str, utoipa::openapi::OpenApi)> {
    vec![
        ("health", skazka_app::health::ApiDoc::openapi()),
        ("auth", skazka_auth::api::ApiDoc::openapi()),
        ("catalogue", skazka_catalogue::openapi::ApiDoc::openapi()),
        ("orders", skazka_orders::openapi::ApiDoc::openapi()),
        ("reports", skazka_reports::openapi::ApiDoc::openapi()),
        ("debts", skazka_debts::openapi::ApiDoc::openapi()),
        ("tracking", skazka_tracking::openapi::ApiDoc::openapi()),
    ]
}

/// The generated parts, merged.
pub fn generated() -> utoipa::openapi::OpenApi {
    let mut doc = Shared::openapi();
    for (_, part) in parts() {
        doc.merge(part);
    }
    doc
}

/// The whole description.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(generated()).unwrap_or_else(|_| json!({}));
    doc["openapi"] = json!("3.1.0");
    doc["info"] = json!({
        "title": "Сказка — API портала",
        "version": "1",
        "description": "Every JSON route of the portal. Pages answer HTML to browsers and the same value as JSON to `Accept: application/json`. Sign in with `POST /api/v1/auth/token` (phone and password) and send `Authorization: Bearer <access_token>`. Errors are RFC 9457 problems (`application/problem+json`). Money is KZT as a decimal in text; dates are the 1C base's (Asia/Almaty)."
    });
    name_operations(&mut doc);
    doc
}

/// Every operation's id from its method and path (`get /tracking/team` → `getTrackingTeam`): unique
/// across the portal whatever the handlers are called.
fn name_operations(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for (method, op) in item.as_object_mut().into_iter().flatten() {
            let words = path
                .split(['/', '-', '_', '.'])
                .filter(|w| !w.is_empty())
                .map(|w| w.trim_matches(['{', '}']))
                .map(|w| {
                    let mut chars = w.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                        .unwrap_or_default()
                })
                .collect::<String>();
            op["operationId"] = json!(format!("{method}{words}"));
        }
    }
}

/// Schema names two parts define differently (one would hide the other in the merged document).
pub fn clashing_names() -> Vec<String> {
    let mut seen: std::collections::BTreeMap<String, (&str, Value)> = Default::default();
    let mut clashes = Vec::new();
    for (function, part) in parts() {
        let schemas = serde_json::to_value(part.components.map(|c| c.schemas)).unwrap_or_default();
        for (name, schema) in schemas.as_object().into_iter().flatten() {
            match seen.get(name) {
                Some((other, known)) if known != schema => {
                    clashes.push(format!("{name}: {other} and {function}"));
                }
                Some(_) => {}
                None => {
                    seen.insert(name.clone(), (function, schema.clone()));
                }
            }
        }
    }
    clashes
}

/// The document as committed: pretty, with a final newline.
pub fn committed_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_default();
    text.push('\n');
    text
}
