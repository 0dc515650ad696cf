//! The OpenAPI 3.1 description of the public catalogue's JSON, served at
//! `GET /api/v1/catalogue/openapi.json`. The tests check real answers against it
//! ([`skazka_web::openapi::check`]), so the description cannot drift from the types.

use axum::Json;
use serde_json::{Value, json};
use skazka_web::openapi::schema::{guid, money, nullable};

/// `GET /api/v1/catalogue/openapi.json`.
pub async fn handler() -> Json<Value> {
    Json(document())
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "schema": schema, "description": description})
}

fn op(summary: &str, params: Value, schema: &str) -> Value {
    let problem = json!({"$ref": "#/components/responses/Problem"});
    json!({"get": {
        "summary": summary,
        "parameters": params,
        "responses": {
            "200": {
                "description": "OK; `Cache-Control: public, …`, a strong `ETag`",
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
            },
            "304": {"description": "Not modified (`If-None-Match` matched the `ETag`)"},
            "400": problem, "404": problem, "503": problem
        }
    }})
}

/// The whole description.
pub fn document() -> Value {
    let params = json!([
        query(
            "q",
            json!({"type": "string", "maxLength": 100}),
            "search: every word must occur in the name, code or manufacturer, as part of a word, in any order; case and ё/е do not matter"
        ),
        query(
            "group",
            guid(),
            "a product folder: its products and those of the folders below it"
        ),
        query(
            "maker",
            json!({"type": "string"}),
            "a manufacturer's GUID, or `none` for products without one"
        ),
        query(
            "in_stock",
            json!({"type": "string", "enum": ["0", "1"]}),
            "`1`: only products with free stock"
        ),
        query(
            "sort",
            json!({"type": "string", "enum": ["name", "code", "new"]}),
            "by name (with `q`: best matches first), by code, newest first"
        ),
        query(
            "page",
            json!({"type": "integer", "minimum": 1, "maximum": 1000}),
            "1-based; 24 products a page"
        ),
    ]);
    let id = json!([{"name": "id", "in": "path", "required": true, "schema": guid()}]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Сказка — каталог",
            "version": "1",
            "description": "The public product catalogue: visible products (not hidden on the site in 1C, not marked for deletion) with the public price kind's price per base unit and per package, and stock as a level only. The same document for everyone, cached at the edge. `stale` says how old the prices and stock are when 1C could not be asked."
        },
        "paths": {
            "/api/v1/catalogue": op("Products, filtered, searched, sorted, a page at a time", params, "Listing"),
            "/api/v1/catalogue/{id}": op("One product", id, "ProductPage")
        },
        "components": {
            "responses": {
                "Problem": {
                    "description": "RFC 9457 problem",
                    "content": {"application/problem+json": {"schema": {"type": "object", "required": ["type", "title", "status"]}}}
                }
            },
            "schemas": {
                "Stale": {"type": "object", "required": ["as_of", "age_seconds"], "properties": {
                    "as_of": {"type": "string", "format": "date-time"}, "age_seconds": {"type": "integer"}
                }},
                "UnitPrice": {"type": "object", "required": ["unit", "price"], "properties": {
                    "unit": {"type": "string", "description": "кг, шт, or a package's name"}, "price": money()
                }},
                "StockLevel": {"type": "string", "enum": ["in_stock", "low", "out"], "description": "«в наличии», «мало» (below a configured threshold), «нет в наличии»"},
                "Card": {"type": "object", "required": ["id", "name", "code", "url", "manufacturer", "image", "price", "stock"], "properties": {
                    "id": guid(), "name": {"type": "string"}, "code": {"type": "string"},
                    "url": {"type": "string", "description": "the product page's path"},
                    "manufacturer": {"type": ["string", "null"]},
                    "image": {"type": ["string", "null"], "description": "the picture's path; null: none"},
                    "price": nullable(json!({"$ref": "#/components/schemas/UnitPrice"})),
                    "stock": {"$ref": "#/components/schemas/StockLevel"}
                }},
                "Listing": {"type": "object", "required": ["items", "total", "page", "page_size"], "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Card"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "page_size": {"type": "integer"},
                    "stale": {"$ref": "#/components/schemas/Stale"}
                }},
                "GroupRef": {"type": "object", "required": ["id", "name"], "properties": {"id": guid(), "name": {"type": "string"}}},
                "ProductPage": {"type": "object", "required": ["id", "name", "code", "url", "manufacturer", "image", "price", "stock", "description", "groups", "weighed", "prices", "images", "next_delivery"], "properties": {
                    "id": guid(), "name": {"type": "string"}, "code": {"type": "string"}, "url": {"type": "string"},
                    "manufacturer": {"type": ["string", "null"]},
                    "image": {"type": ["string", "null"]},
                    "price": nullable(json!({"$ref": "#/components/schemas/UnitPrice"})),
                    "stock": {"$ref": "#/components/schemas/StockLevel"},
                    "description": {"type": "string"},
                    "groups": {"type": "array", "items": {"$ref": "#/components/schemas/GroupRef"}, "description": "its folders from the top down"},
                    "weighed": {"type": "boolean"},
                    "prices": {"type": "array", "items": {"$ref": "#/components/schemas/UnitPrice"}, "description": "per base unit, then per each package"},
                    "images": {"type": "array", "items": {"type": "string"}},
                    "next_delivery": {"type": ["string", "null"], "format": "date", "description": "when out of stock: the soonest expected delivery"},
                    "stale": {"$ref": "#/components/schemas/Stale"}
                }}
            }
        }
    })
}

/// Checks `value` against the schema named `schema` of this document.
pub fn check(value: &Value, schema: &str) -> Vec<String> {
    skazka_web::openapi::check(&document(), value, schema)
}
