//! Keeping a function's OpenAPI description honest: its tests check real JSON answers against it,
//! so the description cannot drift from the types.

use serde_json::{Value, json};

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
