//! The OpenAPI 3.1 description of the debts pages' JSON (`Accept: application/json`), served at
//! `GET /debts/openapi.json`. The tests check real answers against it
//! ([`skazka_web::openapi::check`]), so the description cannot drift from the types.

use axum::Json;
use serde_json::{Value, json};
use skazka_web::openapi::schema::{date, guid, money, nullable};

/// `GET /debts/openapi.json`.
pub async fn handler() -> Json<Value> {
    Json(document())
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

/// The whole description.
pub fn document() -> Value {
    let agent = json!({"name": "agent", "in": "query", "schema": guid(), "description": "supervisors (an agent of the team) and admins (any agent): whose debts"});
    let q = json!({"name": "q", "in": "query", "schema": {"type": "string"}, "description": "search by client (partner or counterparty) name"});
    let sort = json!({"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["debt", "overdue", "client"]}});
    let partner = json!({"name": "partner", "in": "path", "required": true, "schema": guid(), "description": "a partner outside the viewer's documents (or a malformed GUID) is 404"});
    let bucket = json!({"type": "string", "enum": ["not_due", "days_1_7", "days_8_30", "days_31_60", "over_60"], "description": "days overdue: not yet due (or no due date), 1–7, 8–30, 31–60, over 60"});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Сказка — задолженность",
            "version": "1",
            "description": "Open debts of clients from 1C (posted sale documents with a positive balance in the settlements register), aged by the payment due date. Every path also answers HTML; send `Accept: application/json` for these bodies. `total` is the grand total of remaining debt. At most a minute behind 1C; `stale` says how old kept data is when 1C fails."
        },
        "paths": {
            "/debts": op("What the agent's clients owe; a supervisor's or admin's team without `agent`", json!([q, sort, agent]), "DebtsReport"),
            "/debts/clients/{partner}": op("One client's open documents and 90 days of payments", json!([partner, agent]), "ClientPage"),
            "/my/debts": op("What a client's own partners owe", json!([q, sort]), "DebtsReport"),
            "/my/debts/clients/{partner}": op("One of a client's own partners", json!([partner]), "ClientPage")
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
                "Party": {"type": "object", "required": ["id", "name"], "properties": {"id": guid(), "name": {"type": "string"}}},
                "Buckets": {"type": "object", "required": ["not_due", "days_1_7", "days_8_30", "days_31_60", "over_60"], "properties": {
                    "not_due": money(), "days_1_7": money(), "days_8_30": money(), "days_31_60": money(), "over_60": money()
                }},
                "Document": {"type": "object", "required": ["id", "number", "date", "amount", "debt", "due", "days_overdue", "bucket", "counterparty"], "properties": {
                    "id": guid(), "number": {"type": "string"}, "date": nullable(date()),
                    "amount": money(), "debt": money(),
                    "due": nullable(date()),
                    "days_overdue": {"type": ["integer", "null"], "description": "positive when overdue; null without a due date"},
                    "bucket": bucket,
                    "counterparty": {"type": ["string", "null"]},
                    "agent": {"type": "string", "format": "uuid", "description": "agents, supervisors and admins only"}
                }},
                "ClientDebts": {"type": "object", "required": ["partner", "counterparties", "debt", "overdue", "max_days_overdue", "buckets", "documents"], "properties": {
                    "partner": {"$ref": "#/components/schemas/Party"},
                    "counterparties": {"type": "array", "items": {"type": "string"}},
                    "debt": money(), "overdue": money(),
                    "max_days_overdue": {"type": ["integer", "null"]},
                    "buckets": {"$ref": "#/components/schemas/Buckets"},
                    "documents": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}
                }},
                "AgentSubtotal": {"type": "object", "required": ["agent", "name", "debt", "overdue", "documents"], "properties": {
                    "agent": guid(), "name": {"type": "string"}, "debt": money(), "overdue": money(), "documents": {"type": "integer"}
                }},
                "Query": {"type": "object", "required": ["q", "sort"], "properties": {"q": {"type": "string"}, "sort": {"type": "string"}}},
                "DebtsReport": {"type": "object", "required": ["total", "overdue", "buckets", "clients", "today", "query", "stale"], "properties": {
                    "total": money(), "overdue": money(),
                    "buckets": {"$ref": "#/components/schemas/Buckets"},
                    "clients": {"type": "array", "items": {"$ref": "#/components/schemas/ClientDebts"}},
                    "agents": {"type": "array", "items": {"$ref": "#/components/schemas/AgentSubtotal"}, "description": "a team's page only"},
                    "today": date(),
                    "query": {"$ref": "#/components/schemas/Query"},
                    "stale": nullable(json!({"$ref": "#/components/schemas/Stale"}))
                }},
                "Payment": {"type": "object", "required": ["id", "number", "date", "amount", "kind"], "properties": {
                    "id": guid(), "number": {"type": "string"}, "date": nullable(date()), "amount": money(),
                    "kind": {"type": "string", "enum": ["Cash", "Bank"]}
                }},
                "ClientPage": {"type": "object", "required": ["total", "client", "payments", "paid", "today", "stale"], "properties": {
                    "total": money(),
                    "client": {"$ref": "#/components/schemas/ClientDebts"},
                    "payments": {"type": "array", "items": {"$ref": "#/components/schemas/Payment"}},
                    "paid": money(), "today": date(),
                    "stale": nullable(json!({"$ref": "#/components/schemas/Stale"}))
                }}
            }
        }
    })
}

/// Checks `value` against the schema named `schema` of this document.
pub fn check(value: &serde_json::Value, schema: &str) -> Vec<String> {
    skazka_web::openapi::check(&document(), value, schema)
}
