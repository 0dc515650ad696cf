//! JSON answers checked against the portal's OpenAPI description with an established JSON Schema
//! validator (`jsonschema`; OpenAPI 3.1 schemas are JSON Schema 2020-12).

use serde_json::{Value, json};

/// The problems of `value` against the component schema `name` of `doc` (an OpenAPI 3.1
/// document): what the validator finds, with every described object closed to undescribed
/// fields, so an answer cannot carry what the description does not say.
pub fn check(doc: &Value, name: &str, value: &Value) -> Vec<String> {
    let mut components = doc["components"].clone();
    let schemas = components["schemas"].clone();
    merge_all_of(&mut components, &schemas);
    close_objects(&mut components);
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": components,
    });
    let validator = match jsonschema::validator_for(&schema) {
        Ok(v) => v,
        Err(e) => return vec![format!("schema {name} does not compile: {e}")],
    };
    validator
        .iter_errors(value)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

/// Turns every `allOf` of object schemas (what `#[serde(flatten)]` generates) into one object
/// schema with all their properties, so that closing objects does not close the parts.
fn merge_all_of(schema: &mut Value, schemas: &Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(parts)) = map.remove("allOf") {
                let mut properties = serde_json::Map::new();
                let mut required = Vec::new();
                for part in parts {
                    let mut part = resolve(&part, schemas);
                    merge_all_of(&mut part, schemas);
                    if let Some(p) = part.get("properties").and_then(Value::as_object) {
                        properties.extend(p.clone());
                    }
                    if let Some(r) = part.get("required").and_then(Value::as_array) {
                        required.extend(r.iter().cloned());
                    }
                }
                map.insert("type".into(), json!("object"));
                map.insert("properties".into(), Value::Object(properties));
                map.insert("required".into(), Value::Array(required));
            }
            for v in map.values_mut() {
                merge_all_of(v, schemas);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| merge_all_of(v, schemas)),
        _ => {}
    }
}

/// A `$ref` to a component schema, resolved; anything else as it is.
fn resolve(schema: &Value, schemas: &Value) -> Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => schemas[r.trim_start_matches("#/components/schemas/")].clone(),
        None => schema.clone(),
    }
}

/// Adds `additionalProperties: false` to every object schema that lists its properties.
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for v in map.values_mut() {
                close_objects(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"openapi": "3.1.0", "components": {"schemas": {
            "Money": {"type": "string"},
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "Flat": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"n": {"type": "integer"}}}
            ]},
            "Row": {"type": "object", "required": ["total"], "properties": {
                "total": {"$ref": "#/components/schemas/Money"},
                "note": {"type": ["string", "null"]}
            }}
        }}})
    }

    #[test]
    fn answers_are_checked_against_their_schema() {
        assert!(check(&doc(), "Row", &json!({"total": "1.50", "note": null})).is_empty());
        assert_eq!(
            check(&doc(), "Row", &json!({"note": "x"})).len(),
            1,
            "required"
        );
        assert_eq!(
            check(&doc(), "Row", &json!({"total": 1.5})).len(),
            1,
            "a string"
        );
        assert_eq!(
            check(&doc(), "Row", &json!({"total": "1", "extra": 1})).len(),
            1,
            "undescribed"
        );
        // Flattened parts (`allOf`) are one object: each part's fields are described.
        assert!(check(&doc(), "Flat", &json!({"id": "a", "n": 1})).is_empty());
        assert_eq!(
            check(&doc(), "Flat", &json!({"n": 1})).len(),
            1,
            "required from a part"
        );
        assert_eq!(check(&doc(), "Flat", &json!({"id": "a", "x": 1})).len(), 1);
    }
}
