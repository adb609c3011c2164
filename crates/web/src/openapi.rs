//! The OpenAPI 3 document of the JSON API, written by hand next to the routes it describes.

use axum::Json;
use serde_json::{json, Value};

fn op(summary: &str, params: &[&str], body: Option<Value>, ok: &str) -> Value {
    let mut o = json!({
        "summary": summary,
        "parameters": params.iter().map(|p| {
            let (name, place) = p.split_once(':').unwrap_or((p, "path"));
            json!({"name": name, "in": place, "required": place == "path", "schema": {"type": "string"}})
        }).collect::<Vec<_>>(),
        "responses": {
            ok: {"description": "OK"},
            "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"}
        }
    });
    if let (Some(b), Some(obj)) = (body, o.as_object_mut()) {
        obj.insert("requestBody".into(), b);
    }
    o
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
            "/api/v1/me": {"get": op("The caller", &[], None, "200")},
            "/api/v1/schools": {"get": op("Schools the caller may see", &[], None, "200")},
            "/api/v1/schools/{school}/groups": {"get": op("Union groups of a school", &["school"], None, "200")},
            "/api/v1/schools/{school}/members": {
                "get": op("Roster page (masked sensitive fields)", &["school", "q:query", "group:query", "status:query", "post:query", "page:query"], None, "200"),
                "post": op("Create a member", &["school"], Some(member_body.clone()), "201")
            },
            "/api/v1/schools/{school}/members/import": {"post": op("Roster import from .xlsx (dry run by default)", &["school", "dry_run:query", "all_or_nothing:query"],
                Some(json!({"required": true, "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}})), "200")},
            "/api/v1/schools/{school}/members/export": {"get": op("Roster as .xlsx", &["school", "q:query", "group:query", "status:query", "post:query"], None, "200")},
            "/api/v1/members/{id}": {
                "get": op("One member", &["id"], None, "200"),
                "patch": op("Change a member's fields", &["id"], Some(member_body), "200")
            },
            "/api/v1/schools/{school}/dues": {"get": op("Dues of a month per member and group", &["school", "month:query"], None, "200")},
            "/api/v1/schools/{school}/dues/payments": {"post": op("Record a dues payment", &["school"],
                Some(json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payment"}}}})), "201")}
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
