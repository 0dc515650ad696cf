//! The OpenAPI 3.1 description of the orders pages' JSON (`Accept: application/json`), served at
//! `GET /orders/openapi.json`. The tests check that every field of real answers is described here
//! and every described required field is present, so the description cannot drift from the types.

use axum::Json;
use serde_json::{Value, json};

/// `GET /orders/openapi.json`.
pub async fn handler() -> Json<Value> {
    Json(document())
}

fn money() -> Value {
    json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "description": "KZT, a decimal as text"})
}

fn decimal() -> Value {
    json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$", "description": "a decimal as text"})
}

fn date_time() -> Value {
    json!({"type": "string", "format": "date-time", "description": "with the 1C base's offset, e.g. 2024-05-07T10:42:11+05:00"})
}

fn guid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

fn stale() -> Value {
    json!({
        "description": "Present (not null) when 1C failed and this is the last good data",
        "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Stale"}]
    })
}

fn list_params() -> Value {
    json!([
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "first day (YYYY-MM-DD); default today in the base's zone"},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "last day; default `from`; at most 92 days"},
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}, "description": "search by client name or order number"},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["time", "-time", "-amount", "amount", "client", "number"]}},
        {"name": "agent", "in": "query", "schema": guid(), "description": "supervisors (an agent of the team) and admins (any agent): whose orders"}
    ])
}

fn errors() -> Value {
    json!({
        "400": {"$ref": "#/components/responses/Problem"},
        "401": {"$ref": "#/components/responses/Problem"},
        "403": {"$ref": "#/components/responses/Problem"},
        "404": {"$ref": "#/components/responses/Problem"},
        "503": {"$ref": "#/components/responses/Problem"}
    })
}

fn op(summary: &str, params: Value, schema: &str) -> Value {
    let mut responses = errors();
    responses["200"] = json!({
        "description": "OK",
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
    });
    json!({"get": {"summary": summary, "parameters": params, "responses": responses}})
}

fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": guid(), "description": "a malformed GUID is 404"})
}

/// The whole description.
pub fn document() -> Value {
    let agent = json!({"name": "agent", "in": "query", "schema": guid()});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Сказка — заказы",
            "version": "1",
            "description": "Orders and sales documents from 1C. Every path also answers HTML; send `Accept: application/json` for these bodies. Errors are RFC 9457 problems. Money is KZT as decimal text; times carry the 1C base's offset. Signed in by the session cookie or `Authorization: Bearer`."
        },
        "paths": {
            "/orders": op("The agent's orders by order date", list_params(), "OrderList"),
            "/orders/by-shipment": op("The agent's orders by shipment date", list_params(), "OrderList"),
            "/orders/{id}": op("One of the agent's orders", json!([id_param(), agent.clone()]), "OrderDetail"),
            "/sales/{id}": op("One of the viewer's sale documents", json!([id_param(), agent]), "SaleDetail"),
            "/my/orders": op("A client's own orders by order date", list_params(), "OrderList"),
            "/my/orders/by-shipment": op("A client's own orders by shipment date", list_params(), "OrderList"),
            "/my/orders/{id}": op("One of a client's own orders", json!([id_param()]), "OrderDetail")
        },
        "components": {
            "responses": {
                "Problem": {
                    "description": "RFC 9457 problem",
                    "content": {"application/problem+json": {"schema": {"type": "object", "required": ["type", "title", "status"], "properties": {
                        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                        "detail": {"type": "string"}, "instance": {"type": "string"}, "request_id": {"type": "string"}
                    }}}}
                }
            },
            "schemas": {
                "Stale": {"type": "object", "required": ["as_of", "age_seconds"], "properties": {
                    "as_of": date_time(), "age_seconds": {"type": "integer"}
                }},
                "Status": {"type": "object", "required": ["status", "onec_status", "deleted"], "properties": {
                    "status": {"type": "string", "enum": ["created", "cancelled", "completed"], "description": "docs/onec.md §5.2: deletion mark → cancelled; НеСогласован, КОбеспечению, КОтгрузке → created; Закрыт → completed, or cancelled when every line is cancelled"},
                    "onec_status": {"type": "string", "description": "1C's status as its users read it (\"К отгрузке\")"},
                    "deleted": {"type": "boolean", "description": "1C's deletion mark"}
                }},
                "OrderSummary": {"type": "object", "required": ["id", "number", "number_1c", "date", "client", "total", "status", "payment_form", "shipment_date", "delivery", "pickup", "address"], "properties": {
                    "id": guid(),
                    "number": {"type": "string", "description": "as 1C users read it: КК00-4512"},
                    "number_1c": {"type": "string", "description": "as 1C stores it: КК00-004512"},
                    "date": date_time(), "client": {"type": "string"}, "total": money(),
                    "status": {"$ref": "#/components/schemas/Status"},
                    "payment_form": {"type": "string"},
                    "shipment_date": {"type": ["string", "null"], "format": "date"},
                    "delivery": {"type": "string"}, "pickup": {"type": "boolean"}, "address": {"type": "string"},
                    "comment": {"type": "string", "description": "agents, supervisors and admins only"}
                }},
                "Day": {"type": "object", "required": ["date", "count", "total", "orders"], "properties": {
                    "date": {"type": "string", "format": "date"}, "count": {"type": "integer"},
                    "total": money(), "orders": {"type": "array", "items": {"$ref": "#/components/schemas/OrderSummary"}}
                }},
                "OrderList": {"type": "object", "required": ["date_kind", "from", "to", "search", "sort", "count", "total", "days", "stale"], "properties": {
                    "date_kind": {"type": "string", "enum": ["taken", "shipment"]},
                    "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                    "agent": guid(), "search": {"type": "string"},
                    "sort": {"type": "string"}, "count": {"type": "integer"},
                    "total": money(),
                    "days": {"type": "array", "items": {"$ref": "#/components/schemas/Day"}},
                    "stale": stale()
                }},
                "Line": {"type": "object", "required": ["line_number", "product", "quantity", "unit", "price", "amount", "vat", "manual_discount", "auto_discount", "discount_percent", "cancelled"], "properties": {
                    "line_number": {"type": "integer"}, "product": {"type": "string"},
                    "quantity": decimal(), "unit": {"type": "string"}, "price": money(),
                    "amount": money(), "vat": money(), "manual_discount": money(), "auto_discount": money(),
                    "discount_percent": {"oneOf": [{"type": "null"}, decimal()]},
                    "cancelled": {"type": "boolean", "description": "not counted in totals"}
                }},
                "LineTotals": {"type": "object", "required": ["amount", "vat", "discount", "lines"], "properties": {
                    "amount": money(), "vat": money(), "discount": money(), "lines": {"type": "integer"}
                }},
                "Taken": {"type": "object", "required": ["latitude", "longitude", "started", "finished", "duration_seconds"], "properties": {
                    "latitude": {"type": ["number", "null"]}, "longitude": {"type": ["number", "null"]},
                    "started": {"oneOf": [{"type": "null"}, date_time()]},
                    "finished": {"oneOf": [{"type": "null"}, date_time()]},
                    "duration_seconds": {"type": ["integer", "null"]}
                }},
                "LinkedSale": {"type": "object", "required": ["id", "number", "date", "total", "posted", "debt"], "properties": {
                    "id": guid(), "number": {"type": "string"},
                    "date": {"oneOf": [{"type": "null"}, date_time()]},
                    "total": money(), "posted": {"type": "boolean"},
                    "debt": money()
                }},
                "OrderDetail": {"type": "object", "required": ["order", "lines", "totals", "sales", "stale"], "properties": {
                    "order": {"$ref": "#/components/schemas/OrderSummary"},
                    "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                    "totals": {"$ref": "#/components/schemas/LineTotals"},
                    "taken": {"description": "agents, supervisors and admins only; null when Агент Плюс recorded nothing", "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Taken"}]},
                    "sales": {"type": "array", "items": {"$ref": "#/components/schemas/LinkedSale"}},
                    "onec_link": {"type": "string", "description": "e1c:// link opening the order in the 1C client; agents, supervisors and admins only"},
                    "stale": stale()
                }},
                "SaleDetail": {"type": "object", "required": ["id", "number", "number_1c", "date", "client", "total", "posted", "payment_form", "delivery", "address", "order", "lines", "totals", "debt", "paid", "stale"], "properties": {
                    "id": guid(), "number": {"type": "string"}, "number_1c": {"type": "string"},
                    "date": {"oneOf": [{"type": "null"}, date_time()]},
                    "client": {"type": "string"}, "total": money(), "posted": {"type": "boolean"},
                    "payment_form": {"type": "string"}, "delivery": {"type": "string"}, "address": {"type": "string"},
                    "comment": {"type": "string"},
                    "order": {"oneOf": [{"type": "null"}, guid()], "description": "the order it was made from"},
                    "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                    "totals": {"$ref": "#/components/schemas/LineTotals"},
                    "debt": money(), "paid": {"type": "boolean"},
                    "onec_link": {"type": "string"},
                    "stale": stale()
                }}
            }
        }
    })
}

/// Checks `value` against the schema named `schema` of this document (see
/// [`skazka_web::openapi::check`]). Returns the problems.
pub fn check(value: &Value, schema: &str) -> Vec<String> {
    skazka_web::openapi::check(&document(), value, schema)
}
