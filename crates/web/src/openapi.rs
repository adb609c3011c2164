//! The OpenAPI 3 document of the JSON API, written by hand next to the routes it describes.

use axum::Json;
use serde_json::{json, Value};

/// One operation: its id and tag, parameters (`name` in the path, `name:query` in the query),
/// request body, success status and response schema, and the error statuses that apply (every
/// one with the JSON error shape).
fn op(id: &str, tag: &str, summary: &str, params: &[&str], body: Option<Value>, ok: &str, schema: Value) -> Value {
    let write = body.is_some() || ok == "201" || id.starts_with("open") || id.starts_with("close");
    let mut responses = serde_json::Map::new();
    let ok_body = if schema.is_null() {
        json!({"description": "OK"})
    } else if schema.get("format").and_then(Value::as_str) == Some("binary") {
        json!({"description": "OK", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": schema}}})
    } else {
        json!({"description": "OK", "content": {"application/json": {"schema": schema}}})
    };
    responses.insert(ok.into(), ok_body);
    let mut errors = vec!["400", "401", "403", "404", "405", "422"];
    if write {
        errors.extend(["409", "413", "415"]);
    }
    if params.iter().any(|p| p.ends_with(":query")) && !errors.contains(&"422") {
        errors.push("422");
    }
    for e in errors {
        responses.insert(e.into(), json!({"$ref": "#/components/responses/Error"}));
    }
    let mut o = json!({
        "operationId": id,
        "tags": [tag],
        "summary": summary,
        "parameters": params.iter().map(|p| {
            let (name, place) = p.split_once(':').unwrap_or((p, "path"));
            json!({"name": name, "in": place, "required": place == "path", "schema": {"type": "string"}})
        }).collect::<Vec<_>>(),
        "responses": responses,
    });
    if let (Some(b), Some(obj)) = (body, o.as_object_mut()) {
        obj.insert("requestBody".into(), b);
    }
    o
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn obj() -> Value {
    json!({"type": "object"})
}

/// The document itself.
pub fn spec() -> Value {
    let member_body = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MemberInput"}}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Jiaogong API", "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": {"operationId": "openapi", "tags": ["meta"], "summary": "This document", "security": [],
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": obj()}}}}}},
            "/api/v1/me": {"get": op("me", "accounts", "The caller", &[], None, "200", obj())},
            "/api/v1/schools": {"get": op("listSchools", "schools", "Schools the caller may see", &[], None, "200", obj())},
            "/api/v1/schools/{school}/groups": {"get": op("listGroups", "schools", "Union groups of a school", &["school"], None, "200", obj())},
            "/api/v1/schools/{school}/members": {
                "get": op("listMembers", "members", "Roster page (masked sensitive fields); pages are numbered from 1 (absent: 1); the reply has total, pages, per_page and next (null on the last page)", &["school", "q:query", "group:query", "status:query", "post:query", "page:query"], None, "200", obj()),
                "post": op("createMember", "members", "Create a member", &["school"], Some(member_body.clone()), "201", obj())
            },
            "/api/v1/schools/{school}/members/import": {"post": op("importMembers", "members", "Roster import from .xlsx (dry run by default)", &["school", "dry_run:query", "all_or_nothing:query"],
                Some(json!({"required": true, "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}})), "200", json!({"$ref": "#/components/schemas/ImportReport"}))},
            "/api/v1/schools/{school}/members/export": {"get": op("exportMembers", "members", "Roster as .xlsx", &["school", "q:query", "group:query", "status:query", "post:query"], None, "200", json!({"type": "string", "format": "binary"}))},
            "/api/v1/members/{id}": {
                "get": op("getMember", "members", "One member", &["id"], None, "200", obj()),
                "patch": op("updateMember", "members", "Change a member's fields", &["id"], Some(member_body), "200", obj())
            },
            "/api/v1/schools/{school}/dues": {"get": op("duesOfMonth", "dues", "Dues of a month per member and group", &["school", "month:query"], None, "200", obj())},
            "/api/v1/schools/{school}/dues/payments": {"post": op("recordPayment", "dues", "Record a dues payment", &["school"],
                Some(json_body(json!({"$ref": "#/components/schemas/Payment"}))), "201", obj())},
            "/api/v1/schools/{school}/polls": {"post": op("createPoll", "polls", "Create a draft poll (definition as in the bulletin's poll, plus the eligible voters)", &["school"],
                Some(json_body(json!({"$ref": "#/components/schemas/PollInput"}))), "201", json!({"type": "object", "required": ["id", "status"], "properties": {"id": {"type": "string"}, "status": {"type": "string"}, "electorate": {"type": "integer"}}}))},
            "/api/v1/polls/{id}/open": {"post": op("openPoll", "polls", "Open a draft poll", &["id"], None, "200", json!({"$ref": "#/components/schemas/PollStatus"}))},
            "/api/v1/polls/{id}/close": {"post": op("closePoll", "polls", "Close an open poll", &["id"], None, "200", json!({"$ref": "#/components/schemas/PollStatus"}))},
            "/api/v1/polls/{id}/ballots": {"post": op("castBallot", "polls", "The caller casts a secret ballot (409 already_voted for a second one)", &["id"],
                Some(json_body(obj())), "201", json!({"type": "object", "required": ["tracker"], "properties": {"tracker": {"type": "string"}}}))},
            "/api/v1/polls/{id}/turnout": {"get": op("pollTurnout", "polls", "Live turnout (the committee also sees who has not voted)", &["id"], None, "200",
                json!({"type": "object", "required": ["id", "status", "electorate", "voted"], "properties": {"id": {"type": "string"}, "status": {"type": "string"}, "electorate": {"type": "integer"}, "voted": {"type": "integer"}, "not_voted": {"type": "array", "items": obj()}}}))},
            "/api/v1/polls/{id}/result": {"get": op("pollResult", "polls", "Result of a closed poll (403 results_hidden before close)", &["id"], None, "200", obj())},
            "/api/v1/polls/{id}/bulletin": {"get": op("pollBulletin", "polls", "Published bulletin of a closed poll (403 results_hidden before close)", &["id"], None, "200", obj())}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}, "required": ["code", "message"]}}},
                "MemberInput": {"type": "object", "required": ["name", "employee_no"], "properties": {
                    "name": {"type": "string"}, "employee_no": {"type": "string"}, "gender": {"type": "string", "example": "男"},
                    "birth_date": {"type": "string"}, "id_number": {"type": "string"}, "phone": {"type": "string"}, "department": {"type": "string"},
                    "post": {"type": "string", "example": "教师"}, "title": {"type": "string"}, "joined_school": {"type": "string"}, "joined_union": {"type": "string"},
                    "group": {"type": "string"}, "notes": {"type": "string"}}},
                "ImportReport": {"type": "object", "required": ["created", "updated", "unchanged", "rejected"], "properties": {
                    "created": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"},
                    "rejected": {"type": "array", "items": {"type": "object", "properties": {"row": {"type": "integer"}, "column": {"type": "string"}, "reason": {"type": "string"}}}}}},
                "PollInput": {"type": "object", "required": ["poll"], "properties": {
                    "poll": {"type": "object", "description": "The poll as in the bulletin (ballots.md)"},
                    "voters": {"type": "array", "items": {"type": "string"}, "description": "Member ids; every active member when absent"},
                    "uncontested": {"type": "boolean"},
                    "purpose": {"type": "string", "enum": ["union_election", "congress_resolution", "consultation"], "description": "工会选举 / 教代会决议 / 意见征集: a poll without rules takes the purpose's rules"},
                    "description": {"type": "string", "description": "Plain text shown above the ballot, at most 2000 characters"},
                    "closes_at": {"type": "string", "example": "2026-12-05T18:00", "description": "Beijing time; the poll closes by itself then (once, on any number of servers)"},
                    "scrutineers": {"type": "array", "items": {"type": "string"}, "description": "监票人 named with the poll; none may be a candidate"},
                    "counters": {"type": "array", "items": {"type": "string"}, "description": "计票人 named with the poll; none may be a candidate"}}},
                "PollStatus": {"type": "object", "required": ["id", "status"], "properties": {"id": {"type": "string"}, "status": {"type": "string"}}},
                "Payment": {"type": "object", "required": ["employee_no", "month", "amount"], "properties": {
                    "employee_no": {"type": "string"}, "month": {"type": "string", "example": "2026-09"}, "amount": {"type": "string", "example": "25.50"},
                    "paid_on": {"type": "string"}, "back_payment": {"type": "boolean"}}}
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
