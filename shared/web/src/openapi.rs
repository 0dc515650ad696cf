//! The portal's OpenAPI description: the pieces every function's generated part shares
//! ([`Problems`]), and — for the parts still written by hand — a check of real JSON answers
//! against a description, so it cannot drift from the types.

use serde_json::{Value, json};

use crate::Problem;

/// The error answers of every JSON route: an RFC 9457 problem (`application/problem+json`).
#[derive(utoipa::IntoResponses)]
pub enum Problems {
    /// A parameter is malformed (the detail says which).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Not signed in, or the session ended.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// The signed-in person may not see this (another team's agent, a client's page…).
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// Absent, or not the viewer's.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// Too many reads of 1C this minute (`Retry-After` says when to try again).
    #[response(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Problem),
    /// 1C failed and nothing is kept (kept data is answered `200` with `stale`).
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// The schema pieces every function's description uses.
pub mod schema {
    use serde_json::{Value, json};

    /// KZT as a decimal in text (never a float).
    pub fn money() -> Value {
        json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "description": "KZT, a decimal as text"})
    }

    pub fn date() -> Value {
        json!({"type": "string", "format": "date"})
    }

    pub fn guid() -> Value {
        json!({"type": "string", "format": "uuid"})
    }

    /// `v` or `null`.
    pub fn nullable(v: Value) -> Value {
        json!({"oneOf": [{"type": "null"}, v]})
    }
}

/// Checks `value` against the schema named `schema` of the OpenAPI document `doc`: every field is described, every required
/// field is present (recursively through `$ref`s, arrays and `oneOf`). Returns the problems.
pub fn check(doc: &Value, value: &Value, schema: &str) -> Vec<String> {
    let mut problems = Vec::new();
    walk(
        doc,
        value,
        &json!({"$ref": format!("#/components/schemas/{schema}")}),
        schema,
        &mut problems,
    );
    problems
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn walk(doc: &Value, value: &Value, schema: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
        if value.is_null() {
            return;
        }
        if let Some(s) = alternatives
            .iter()
            .find(|s| s.get("type") != Some(&json!("null")))
        {
            walk(doc, value, s, at, problems);
        }
        return;
    }
    match value {
        Value::Object(map) => {
            let props = schema.get("properties").and_then(Value::as_object);
            for (k, v) in map {
                match props.and_then(|p| p.get(k)) {
                    Some(s) => walk(doc, v, s, &format!("{at}.{k}"), problems),
                    None => problems.push(format!("{at}.{k} is not described")),
                }
            }
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(r) {
                    problems.push(format!("{at}.{r} is required but absent"));
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    walk(doc, v, s, &format!("{at}[{i}]"), problems);
                }
            }
        }
        _ => {}
    }
}
