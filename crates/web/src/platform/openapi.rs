//! The OpenAPI 3 document of the JSON API, written by hand next to the routes it describes.

use axum::Json;
use jiaogong_domain::activities::library::Folder;
use jiaogong_domain::congress::{Category, Feedback, HandlingStatus};
use jiaogong_domain::members::{Gender, Post};
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
            json!({"name": name, "in": place, "required": place == "path", "schema": param_schema(name)})
        }).collect::<Vec<_>>(),
        "responses": responses,
    });
    if let (Some(b), Some(obj)) = (body, o.as_object_mut()) {
        obj.insert("requestBody".into(), b);
    }
    o
}

/// What a path or query parameter takes.
fn param_schema(name: &str) -> Value {
    match name {
        "page" => json!({"type": "integer", "minimum": 1}),
        "month" => json!({"type": "string", "pattern": "^20[0-9]{2}-(0[1-9]|1[0-2])$", "example": "2026-09"}),
        "dry_run" | "all_or_nothing" => json!({"type": "string", "enum": ["true", "false"]}),
        "folder" => json!({"type": "string", "enum": codes(Folder::ALL.iter().map(|f| f.code()))}),
        _ => json!({"type": "string"}),
    }
}

fn json_body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

fn obj() -> Value {
    json!({"type": "object"})
}

/// The document itself.
pub fn spec() -> Value {
    let mut doc = base_spec();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in congress_paths()
            .into_iter()
            .chain(notice_paths())
            .chain(activities_paths())
            .chain(library_paths())
            .chain(care_paths())
            .chain(finance_paths())
            .chain(transparency_plans_paths())
            .chain(submissions_paths())
            .chain(district_paths())
        {
            paths.insert(path.to_string(), item);
        }
    }
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in resource_schemas()
            .into_iter()
            .chain(congress_schemas())
            .chain(notice_schemas())
            .chain(activities_schemas())
            .chain(library_schemas())
            .chain(care_schemas())
            .chain(finance_schemas())
            .chain(transparency_plans_schemas())
            .chain(submissions_schemas())
            .chain(district_schemas())
        {
            schemas.insert(name.to_string(), schema);
        }
    }
    doc
}

fn codes<'a>(it: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    it.collect()
}

/// A calendar date as the API reads it (days 29–31 are valid too where the month has them).
const DATE: &str = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$";

/// One more success response (e.g. 200 for a repeated request besides 201).
fn with_ok(status: &str, description: &str, schema: Value, mut o: Value) -> Value {
    if let Some(responses) = o.get_mut("responses").and_then(Value::as_object_mut) {
        responses.insert(
            status.into(),
            json!({"description": description, "content": {"application/json": {"schema": schema}}}),
        );
    }
    o
}

/// A write without a request body still has the write errors (409, 413, 415).
fn as_write(mut o: Value) -> Value {
    if let Some(responses) = o.get_mut("responses").and_then(Value::as_object_mut) {
        for e in ["409", "413", "415"] {
            responses.insert(e.into(), json!({"$ref": "#/components/responses/Error"}));
        }
    }
    o
}

/// A schema that may also be `null`.
fn nullable(t: &str) -> Value {
    json!({"type": t, "nullable": true})
}

/// An object schema whose every listed property is required.
fn record(props: Value) -> Value {
    let required: Vec<String> = props.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    json!({"type": "object", "required": required, "properties": props})
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The congress API: sessions, delegates, attendance, proposals and their lifecycle steps.
fn congress_paths() -> Vec<(&'static str, Value)> {
    let s = "string";
    let i = "integer";
    let b = "boolean";
    let t = |x: &str| json!({"type": x});
    let proposal = || schema_ref("Proposal");
    let step = |id: &str, summary: &str, body: Option<Value>| json!({"post": as_write(op(id, "proposals", summary, &["school", "id"], body, "200", proposal()))});
    vec![
        (
            "/api/v1/schools/{school}/congress/sessions",
            json!({"get": op("listCongressSessions", "congress", "Sessions of the staff congress, newest first", &["school"], None, "200",
            record(json!({"sessions": {"type": "array", "items": schema_ref("CongressSession")}})))}),
        ),
        (
            "/api/v1/schools/{school}/congress/sessions/{id}",
            json!({"get": op("getCongressSession", "congress", "One session with its agenda, documents and non-voting attendees", &["school", "id"], None, "200",
            json!({"allOf": [schema_ref("CongressSession"), record(json!({"items": {"type": "array", "items": record(json!({
                "id": t(s), "kind": {"type": "string", "enum": ["agenda", "document", "attendee"]}, "position": t(i), "title": t(s), "body": t(s)}))}}))]}))}),
        ),
        (
            "/api/v1/schools/{school}/congress/delegates",
            json!({"get": op("listDelegates", "congress", "Current delegates of the current term (empty at a 教职工大会, where every active member votes)", &["school"], None, "200",
            record(json!({"term": nullable(i), "assembly": t(b), "delegates": {"type": "array", "items": record(json!({
                "id": t(s), "member_id": t(s), "name": t(s), "employee_no": t(s), "constituency": t(s), "since": t(s)}))}})))}),
        ),
        (
            "/api/v1/schools/{school}/congress/sessions/{id}/attendance",
            json!({"get": op("listAttendance", "congress", "Who of the voting body is present, and whether the quorum holds", &["school", "id"], None, "200",
            record(json!({"session_id": t(s), "assembly": t(b), "body": t(i), "present": t(i), "quorum": t(s), "quorum_met": t(b),
                "attendance": {"type": "array", "items": record(json!({"member_id": t(s), "name": t(s), "employee_no": t(s), "constituency": t(s), "present": t(b)}))}})))}),
        ),
        (
            "/api/v1/schools/{school}/congress/sessions/{id}/attendance/{member}",
            json!({"put": op("recordAttendance", "congress", "The clerk records a member of the voting body as present or not (idempotent)", &["school", "id", "member"],
            Some(json_body(record(json!({"present": t(b)})))), "200",
            record(json!({"session_id": t(s), "member_id": t(s), "present": t(b), "body": t(i), "present_count": t(i), "quorum_met": t(b)})))}),
        ),
        (
            "/api/v1/schools/{school}/proposals",
            json!({
                "get": op("listProposals", "proposals", "A session's proposals: the accepted ones, or for the committee every one handed in", &["school", "session:query", "page:query"], None, "200",
                    record(json!({"session": {"type": "object", "nullable": true, "required": ["id", "title", "held_on"], "properties": {"id": t(s), "title": t(s), "held_on": t(s)}},
                        "proposals": {"type": "array", "items": schema_ref("ProposalLine")}, "total": t(i), "page": t(i), "per_page": t(i)}))),
                "post": op("createProposal", "proposals", "A delegate drafts a proposal", &["school"], Some(json_body(schema_ref("ProposalDraft"))), "201", proposal())
            }),
        ),
        (
            "/api/v1/schools/{school}/proposals/{id}",
            json!({"get": op("getProposal", "proposals", "One proposal with co-signers, history and replies (404 when the caller may not see it)", &["school", "id"], None, "200", proposal())}),
        ),
        (
            "/api/v1/schools/{school}/proposals/{id}/edit",
            step(
                "editProposal",
                "The proposer changes the text (draft or returned)",
                Some(json_body(schema_ref("ProposalText"))),
            ),
        ),
        ("/api/v1/schools/{school}/proposals/{id}/cosign", step("cosignProposal", "A delegate co-signs a draft", None)),
        (
            "/api/v1/schools/{school}/proposals/{id}/submit",
            step(
                "submitProposal",
                "The proposer hands in (or resubmits) the proposal within the collection window",
                None,
            ),
        ),
        (
            "/api/v1/schools/{school}/proposals/{id}/review",
            step(
                "reviewProposal",
                "The committee accepts, turns into a suggestion, merges or returns",
                Some(json_body(json!({"type": "object", "required": ["decision"], "properties": {
            "decision": {"type": "string", "enum": ["accept", "suggestion", "merge", "return"]}, "reason": t(s), "into": {"type": "string", "description": "id of the proposal to merge into"}}}))),
            ),
        ),
        (
            "/api/v1/schools/{school}/proposals/{id}/assign",
            step(
                "assignProposal",
                "The committee assigns to a department with a due date",
                Some(json_body(json!({"type": "object", "required": ["department", "due"], "properties": {
            "department": t(s), "due": {"type": "string", "example": "2026-10-01"}, "responder": {"type": "string", "description": "member id of who answers for the department"}}}))),
            ),
        ),
        (
            "/api/v1/schools/{school}/proposals/{id}/reply",
            step(
                "replyProposal",
                "The department's reply (the named member, or the committee on its behalf)",
                Some(json_body(json!({"type": "object", "required": ["status"], "properties": {
            "status": {"type": "string", "enum": codes(HandlingStatus::ALL.iter().map(|c| c.code()))}, "measures": t(s), "reason": t(s)}}))),
            ),
        ),
        (
            "/api/v1/schools/{school}/proposals/{id}/feedback",
            step(
                "rateProposalReply",
                "The proposer rates the reply",
                Some(json_body(json!({"type": "object", "required": ["rating"], "properties": {
            "rating": {"type": "string", "enum": codes(Feedback::ALL.iter().map(|c| c.code()))}, "comment": t(s)}}))),
            ),
        ),
    ]
}

/// Notices and the inbox: publish, acknowledge, readers, my inbox.
fn notice_paths() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/api/v1/schools/{school}/notices",
            json!({"post": op("createNotice", "notices", "Publish a notice or news post (the HTML is sanitised; the audience is resolved to its members now)", &["school"],
                Some(json_body(schema_ref("NoticeInput"))), "201", schema_ref("NoticePublished"))}),
        ),
        (
            "/api/v1/notices/{id}/read",
            json!({"post": as_write(op("readNotice", "notices", "The caller acknowledges a notice they received (已阅); repeating it changes nothing", &["id"], None, "200",
                record(json!({"id": {"type": "string"}, "read": {"type": "boolean"}, "first_time": {"type": "boolean"}}))))}),
        ),
        (
            "/api/v1/notices/{id}/readers",
            json!({"get": op("noticeReaders", "notices", "Who must read a notice and who has (committee)", &["id"], None, "200", schema_ref("NoticeReaders"))}),
        ),
        (
            "/api/v1/me/inbox",
            json!({"get": op("myInbox", "notices", "The caller's inbox: unread first, with the unread count", &[], None, "200", schema_ref("Inbox"))}),
        ),
    ]
}

fn notice_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let (s, i, b) = ("string", "integer", "boolean");
    let audience = json!({"type": "string", "pattern": "^(all|women|retirees|delegates|group:[A-Za-z0-9]{1,64})$", "example": "all"});
    vec![
        (
            "NoticeInput",
            json!({"type": "object", "required": ["title", "body_html"], "additionalProperties": false, "properties": {
                "kind": {"type": "string", "enum": ["notice", "news"]},
                "title": {"type": "string", "minLength": 1, "maxLength": jiaogong_domain::activities::notices::TITLE_MAX},
                "body_html": {"type": "string", "minLength": 1, "maxLength": jiaogong_domain::activities::notices::BODY_MAX},
                "audience": audience, "pinned": t(b), "needs_ack": t(b)}}),
        ),
        (
            "NoticePublished",
            record(
                json!({"id": t(s), "kind": t(s), "title": t(s), "body_html": t(s), "audience": t(s), "pinned": t(b), "needs_ack": t(b), "readers": t(i)}),
            ),
        ),
        (
            "NoticeReaders",
            record(json!({"id": t(s), "title": t(s), "read": t(i), "total": t(i), "unread": t(i),
                "readers": {"type": "array", "items": record(json!({"member_id": t(s), "name": t(s), "group": t(s), "read_at": nullable(i)}))}})),
        ),
        (
            "Inbox",
            record(
                json!({"unread": t(i), "items": {"type": "array", "items": record(json!({"id": t(s), "kind": t(s), "link": t(s), "title": t(s),
                "body": t(s), "urgent": t(i), "created_at": t(i), "read_at": nullable(i)}))}}),
            ),
        ),
    ]
}

/// What the roster, school and dues operations answer.
fn resource_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let s = "string";
    let i = "integer";
    vec![
        (
            "Me",
            record(
                json!({"id": t(s), "username": t(s), "display_name": t(s), "role": t(s), "school_id": nullable(s), "member_id": nullable(s), "locale": t(s)}),
            ),
        ),
        (
            "SchoolList",
            record(
                json!({"schools": {"type": "array", "items": {"type": "object", "required": ["id", "code", "name"], "properties": {
            "id": t(s), "code": t(s), "name": t(s), "members": t(i)}}}}),
            ),
        ),
        (
            "GroupList",
            record(
                json!({"groups": {"type": "array", "items": record(json!({"id": t(s), "name": t(s), "is_retired": t(i), "members": t(i)}))}}),
            ),
        ),
        (
            "MemberPage",
            record(
                json!({"members": {"type": "array", "items": record(json!({"id": t(s), "employee_no": t(s), "name": t(s), "gender": nullable(s),
            "group_id": nullable(s), "group_name": nullable(s), "department": nullable(s), "post": nullable(s), "title": nullable(s), "status": t(s),
            "is_temporary": t(i), "id_masked": nullable(s), "phone_masked": nullable(s)}))}, "total": t(i), "page": t(i), "per_page": t(i), "pages": t(i), "next": nullable(i)}),
            ),
        ),
        (
            "Member",
            record(
                json!({"id": t(s), "school_id": t(s), "employee_no": t(s), "name": t(s), "gender": nullable(s), "birth_date": nullable(s),
            "id_masked": nullable(s), "phone_masked": nullable(s), "department": nullable(s), "post": nullable(s), "title": nullable(s),
            "joined_school": nullable(s), "joined_union": nullable(s), "group_id": nullable(s), "group_name": nullable(s), "status": t(s),
            "is_temporary": t(i), "spouse_staff": t(i), "notes": nullable(s), "base_salary_fen": nullable(i), "created_at": t(i), "updated_at": t(i), "origin": t(s)}),
            ),
        ),
        (
            "DuesMonth",
            record(json!({"month": t(s),
            "members": {"type": "array", "items": record(json!({"member_id": t(s), "employee_no": t(s), "name": t(s), "group": nullable(s),
                "base_fen": nullable(i), "due_fen": t(i), "paid_fen": t(i), "arrears_fen": t(i)}))},
            "groups": {"type": "array", "items": record(json!({"group": t(s), "members": t(i), "due_fen": t(i), "paid_fen": t(i), "arrears_fen": t(i)}))}})),
        ),
        (
            "PaymentRecorded",
            json!({"type": "object", "required": ["id", "member_id", "month", "amount_fen"], "properties": {
            "id": t(s), "member_id": t(s), "month": t(s), "amount_fen": t(i), "duplicate": t("boolean")}}),
        ),
    ]
}

fn congress_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let s = "string";
    let i = "integer";
    let text = json!({"title": t(s), "category": {"type": "string", "enum": codes(Category::ALL.iter().map(|c| c.code()))}, "reason": t(s), "measures": t(s)});
    let mut draft = text.clone();
    if let Some(o) = draft.as_object_mut() {
        o.insert("session".into(), json!({"type": "string", "description": "id of the session"}));
    }
    vec![
        (
            "CongressSession",
            record(
                json!({"id": t(s), "term": t(i), "number": t(i), "title": t(s), "held_on": t(s), "assembly": t("boolean")}),
            ),
        ),
        ("ProposalText", record(text)),
        ("ProposalDraft", record(draft)),
        (
            "ProposalLine",
            record(json!({"id": t(s), "session_id": t(s), "number": nullable(i), "title": t(s), "category": t(s),
            "proposer_id": t(s), "proposer_name": t(s), "state": t(s), "round": t(i), "department": nullable(s), "due_on": nullable(s),
            "last_feedback": nullable(s), "merged_into": nullable(s), "cosigners": t(i), "reply_status": nullable(s), "first_reply": nullable(s)})),
        ),
        (
            "Proposal",
            record(
                json!({"id": t(s), "session_id": t(s), "session_title": t(s), "term_id": t(s), "held_on": t(s), "number": nullable(i),
            "title": t(s), "reason": t(s), "measures": t(s), "category": t(s), "proposer_id": t(s), "proposer_name": t(s), "state": t(s),
            "round": t(i), "department": nullable(s), "due_on": nullable(s), "merged_into": nullable(s), "last_feedback": nullable(s),
            "review_note": t(s), "submitted_on": nullable(s), "responder_id": nullable(s), "responder_name": nullable(s),
            "cosigners": {"type": "array", "items": record(json!({"member_id": t(s), "name": t(s)}))},
            "history": {"type": "array", "items": record(json!({"seq": t(i), "on_date": t(s), "actor": t(s), "kind": t(s), "round": t(i), "detail": t(s)}))},
            "replies": {"type": "array", "items": record(json!({"round": t(i), "department": t(s), "status": t(s), "measures": t(s), "reason": t(s),
                "due_on": t(s), "replied_on": t(s), "recorded_by": t(s), "rating": nullable(s), "comment": nullable(s)}))}}),
            ),
        ),
    ]
}

fn base_spec() -> Value {
    let member_body = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MemberInput"}}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Jiaogong API", "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/openapi.json": {"get": {"operationId": "openapi", "tags": ["meta"], "summary": "This document", "security": [],
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": obj()}}}}}},
            "/api/v1/me": {"get": op("me", "accounts", "The caller", &[], None, "200", schema_ref("Me"))},
            "/api/v1/schools": {"get": op("listSchools", "schools", "Schools the caller may see", &[], None, "200", schema_ref("SchoolList"))},
            "/api/v1/schools/{school}/groups": {"get": op("listGroups", "schools", "Union groups of a school", &["school"], None, "200", schema_ref("GroupList"))},
            "/api/v1/schools/{school}/members": {
                "get": op("listMembers", "members", "Roster page (masked sensitive fields); pages are numbered from 1 (absent: 1); the reply has total, pages, per_page and next (null on the last page)", &["school", "q:query", "group:query", "status:query", "post:query", "page:query"], None, "200", schema_ref("MemberPage")),
                "post": op("createMember", "members", "Create a member", &["school"], Some(member_body.clone()), "201", schema_ref("Member"))
            },
            "/api/v1/schools/{school}/members/import": {"post": op("importMembers", "members", "Roster import from .xlsx (dry run by default)", &["school", "dry_run:query", "all_or_nothing:query"],
                Some(json!({"required": true, "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})), "200", json!({"$ref": "#/components/schemas/ImportReport"}))},
            "/api/v1/schools/{school}/members/export": {"get": op("exportMembers", "members", "Roster as .xlsx", &["school", "q:query", "group:query", "status:query", "post:query"], None, "200", json!({"type": "string", "format": "binary"}))},
            "/api/v1/members/{id}": {
                "get": op("getMember", "members", "One member", &["id"], None, "200", schema_ref("Member")),
                "patch": op("updateMember", "members", "Change a member's fields", &["id"], Some(member_body), "200", schema_ref("Member"))
            },
            "/api/v1/schools/{school}/dues": {"get": op("duesOfMonth", "dues", "Dues of a month per member and group", &["school", "month:query"], None, "200", schema_ref("DuesMonth"))},
            "/api/v1/schools/{school}/dues/payments": {"post": with_ok("200", "The same payment was already recorded (duplicate: true)", schema_ref("PaymentRecorded"), op("recordPayment", "dues", "Record a dues payment", &["school"],
                Some(json_body(json!({"$ref": "#/components/schemas/Payment"}))), "201", schema_ref("PaymentRecorded")))},
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
                    "name": {"type": "string", "minLength": 1, "maxLength": 30, "example": "王丽"},
                    "employee_no": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,20}$", "example": "T0200"},
                    "gender": {"type": "string", "enum": Gender::ALL.iter().map(|g| g.label_zh()).collect::<Vec<_>>()},
                    "birth_date": {"type": "string", "pattern": DATE, "example": "1985-03-12"},
                    "id_number": {"type": "string", "description": "18 位身份证号（校验位、出生日期、性别须一致）"},
                    "phone": {"type": "string", "pattern": "^1[3-9][0-9]{9}$", "example": "13800138000"},
                    "department": {"type": "string", "maxLength": 30},
                    "post": {"type": "string", "enum": Post::ALL.iter().map(|p| p.label_zh()).collect::<Vec<_>>()},
                    "title": {"type": "string", "maxLength": 30},
                    "joined_school": {"type": "string", "pattern": DATE}, "joined_union": {"type": "string", "pattern": DATE},
                    "group": {"type": "string", "description": "an existing union group of the school"},
                    "notes": {"type": "string", "maxLength": 200}}},
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
                    "employee_no": {"type": "string", "example": "T0001"},
                    "month": {"type": "string", "pattern": "^20[0-9]{2}-(0[1-9]|1[0-2])$", "example": "2026-09"},
                    "amount": {"type": "string", "pattern": "^[0-9]{1,4}(\\.[0-9]{1,2})?$", "example": "25.50"},
                    "paid_on": {"type": "string", "pattern": DATE}, "back_payment": {"type": "boolean"}}}
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

/// Activities: create, read with counts, sign up and withdraw as the caller, the organiser's
/// sign-ups in arrival order, and check-ins.
fn activities_paths() -> Vec<(&'static str, Value)> {
    let s = "string";
    let i = "integer";
    let b = "boolean";
    let t = |x: &str| json!({"type": x});
    vec![
        (
            "/api/v1/schools/{school}/activities",
            json!({"post": op("createActivity", "activities", "Creates an activity (the committee any; a group leader for their own group)", &["school"],
            Some(json_body(schema_ref("NewActivity"))), "201", schema_ref("Activity"))}),
        ),
        (
            "/api/v1/activities/{id}",
            json!({"get": op("getActivity", "activities", "One activity of the caller's school with its sign-up counts", &["id"], None, "200", schema_ref("Activity"))}),
        ),
        (
            "/api/v1/activities/{id}/signup",
            json!({
                "post": op("signUp", "activities", "Signs the caller up: confirmed while places last, else on the waiting list (409 already_signed_up, 409 signup_closed)", &["id"], None, "201",
                    record(json!({"state": {"type": "string", "enum": ["confirmed", "waitlisted"]}, "position": t(i)}))),
                "delete": as_write(op("withdrawSignUp", "activities", "Withdraws the caller's sign-up before the deadline; a freed place goes to the first waiting member", &["id"], None, "200",
                    record(json!({"state": {"type": "string", "enum": ["withdrawn"]}, "promoted": t(b)})))),
            }),
        ),
        (
            "/api/v1/activities/{id}/signups",
            json!({"get": op("listSignUps", "activities", "The organiser's list of sign-ups in arrival order, with their state", &["id"], None, "200",
            record(json!({"activity_id": t(s), "capacity": nullable(i), "signups": {"type": "array", "items": record(json!({
                "member_id": t(s), "name": t(s), "position": t(i), "state": {"type": "string", "enum": ["confirmed", "offered", "waitlisted"]},
                "offer_until": nullable(i), "attended": t(b)}))}})))}),
        ),
        (
            "/api/v1/activities/{id}/checkins",
            json!({"post": op("checkIn", "activities", "Checks in the caller with a scanned code (token), or, for the organiser, a member (member_id); once per member", &["id"],
            Some(json_body(json!({"type": "object", "properties": {"token": t(s), "member_id": t(s)}}))), "201",
            record(json!({"state": {"type": "string", "enum": ["checked_in", "already_checked_in"]}, "member_id": t(s)})))}),
        ),
    ]
}

fn activities_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let s = "string";
    let i = "integer";
    let local = json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$", "example": "2026-12-20T15:30"});
    let kinds = codes(jiaogong_domain::activities::Kind::ALL.iter().map(|k| k.code()));
    let audience = json!({"type": "string", "description": "all | women | retirees | delegates | group:<group id>", "example": "all"});
    vec![
        (
            "NewActivity",
            json!({"type": "object", "required": ["title", "start", "end", "signup_deadline"], "properties": {
                "title": t(s), "type": {"type": "string", "enum": kinds}, "start": local, "end": local, "place": t(s), "description": t(s),
                "capacity": nullable(i), "signup_deadline": local, "audience": audience, "cost_fen": t(i),
                "hold_hours": {"type": "integer", "nullable": true, "description": "0 or absent: the first waiting member is confirmed at once; else hours a freed place is held"},
                "organiser": {"type": "string", "description": "group:<group id> when a union group organises"}}}),
        ),
        (
            "Activity",
            record(
                json!({"id": t(s), "title": t(s), "type": {"type": "string", "enum": kinds}, "start": local, "end": local, "place": t(s),
                "description": t(s), "audience": audience, "capacity": nullable(i), "signup_deadline": local, "cost_fen": t(i), "hold_hours": t(i),
                "organiser_group_id": nullable(s), "confirmed": t(i), "offered": t(i), "waitlist": t(i), "attended": t(i)}),
            ),
        ),
    ]
}

/// The resource library's search.
fn library_paths() -> Vec<(&'static str, Value)> {
    vec![(
        "/api/v1/schools/{school}/library/search",
        json!({"get": op(
            "searchLibrary",
            "library",
            "Documents of the school's library whose title or text contains every word of q (each word at least two characters; a two-character Chinese word such as 工会 is found), at most 50, title matches first",
            &["school", "q:query", "folder:query"],
            None,
            "200",
            schema_ref("LibrarySearch"),
        )}),
    )]
}

fn library_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let doc = record(json!({
        "id": t("string"),
        "title": t("string"),
        "folder": {"type": "string", "enum": codes(Folder::ALL.iter().map(|f| f.code()))},
        "version": t("integer"),
        "file_name": t("string"),
        "content_type": t("string"),
        "size": t("integer"),
        "updated_at": {"type": "integer", "description": "Unix milliseconds"},
        "url": t("string"),
        "download": {"type": "string", "description": "path of the current version's file"},
    }));
    vec![
        ("LibraryDoc", doc),
        (
            "LibrarySearch",
            record(json!({"query": t("string"), "results": {"type": "array", "items": schema_ref("LibraryDoc")}})),
        ),
    ]
}

/// Care (送温暖): events, tasks, visits, compliance and members' requests (issue 15).
fn care_paths() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let date = json!({"type": "string", "format": "date", "example": "2026-12-28"});
    vec![
        (
            "/api/v1/schools/{school}/care/events",
            json!({"post": with_ok("200", "The same event reported before (nothing written twice)", schema_ref("CareEventCreated"),
                op("reportCareEvent", "care", "Reports a life event of a member of the school (the member themself, their group leader or the committee); a must-visit type creates its visit task", &["school"],
                Some(json_body(json!({"type": "object", "required": ["member", "type", "date"], "properties": {
                    "member": t("string"), "type": {"type": "string", "description": "hospitalised | married | bereaved | childbirth | retired | hardship | deceased | birthday | achievement | festival | a school's own code"},
                    "date": date, "note": t("string")}}))), "201", schema_ref("CareEventCreated")))}),
        ),
        (
            "/api/v1/schools/{school}/care/tasks",
            json!({"get": op("listCareTasks", "care", "Visit tasks of the school (a group leader: their group's)", &["school", "state:query"], None, "200",
                json!({"type": "object", "properties": {"tasks": {"type": "array", "items": schema_ref("CareTask")}}}))}),
        ),
        (
            "/api/v1/care/tasks/{id}/visits",
            json!({"post": with_ok("200", "The visit recorded before with the same key (a retry or a double tap)", schema_ref("CareVisit"),
                op("recordCareVisit", "care", "Records a visit of a task; a money gift becomes a draft voucher in finance, above the standard or the annual cap it waits for the chair's approval", &["id"],
                Some(json_body(json!({"type": "object", "required": ["date"], "properties": {
                    "date": date, "visitors": {"type": "array", "items": t("string")}, "gift": {"type": "string", "enum": ["money", "goods", "both", "none"]},
                    "goods": t("string"), "amount": {"type": "string", "description": "yuan, at most two decimals", "example": "500.00"},
                    "amount_fen": t("integer"), "notes": t("string"), "key": {"type": "string", "description": "idempotency key of this visit"}}}))), "201", schema_ref("CareVisit")))}),
        ),
        (
            "/api/v1/schools/{school}/care/compliance",
            json!({"get": op("careCompliance", "care", "On-time compliance of the must-visit events of a year, per month and in total", &["school", "year:query"], None, "200", schema_ref("CareCompliance"))}),
        ),
        (
            "/api/v1/schools/{school}/requests",
            json!({"post": op("submitRequest", "care", "Submits a request or suggestion; anonymous requests are stored without any link to the member, who gets a private follow-up code", &["school"],
                Some(json_body(json!({"type": "object", "required": ["category", "text"], "properties": {
                    "category": {"type": "string", "enum": codes(jiaogong_domain::care::requests::CATEGORIES.iter().map(|(c, _)| *c))},
                    "text": t("string"), "anonymous": t("boolean")}}))), "201",
                record(json!({"id": t("string"), "code": t("string")})))}),
        ),
        (
            "/api/v1/requests/{id}",
            json!({"get": op("getRequest", "care", "One request: the committee any, a member their own named ones, anyone with its follow-up code (?code=)", &["id", "code:query"], None, "200", schema_ref("CareRequest"))}),
        ),
        (
            "/api/v1/requests/{id}/answer",
            json!({"post": op("answerRequest", "care", "The committee answers a request (accepting it first when still submitted)", &["id"],
                Some(json_body(json!({"type": "object", "required": ["text"], "properties": {"text": t("string")}}))), "200",
                record(json!({"id": t("string"), "state": t("string")})))}),
        ),
    ]
}

fn care_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let s = "string";
    let i = "integer";
    let month = json!({"type": "object", "properties": {"month": t(i), "events": t(i), "on_time": t(i), "late": t(i), "missed": t(i), "pending": t(i), "rate_permille": nullable(i)}});
    vec![
        (
            "CareEventCreated",
            json!({"type": "object", "required": ["id", "task"], "properties": {"id": t(s),
                "task": {"type": "object", "nullable": true, "properties": {"id": t(s), "due": {"type": "string", "format": "date"}}}}}),
        ),
        (
            "CareTask",
            json!({"type": "object", "properties": {"id": t(s), "event": t(s), "member": t(s), "member_name": t(s), "type": t(s), "date": t(s),
                "due": t(s), "visited_on": nullable(s), "overdue": t("boolean"), "campaign": nullable(s)}}),
        ),
        (
            "CareVisit",
            record(
                json!({"id": t(s), "amount_fen": t(i), "approval": {"type": "string", "enum": ["none", "above_standard", "above_cap", "above_both"]}, "needs_approval": t("boolean")}),
            ),
        ),
        (
            "CareCompliance",
            json!({"type": "object", "properties": {"year": t(i), "events": t(i), "on_time": t(i), "late": t(i), "missed": t(i), "pending": t(i),
                "rate_permille": nullable(i), "months": {"type": "array", "items": month}}}),
        ),
        (
            "CareRequest",
            json!({"type": "object", "properties": {"id": t(s), "category": t(s), "text": t(s), "state": t(s), "anonymous": t("boolean"),
                "member": nullable(s), "submitted_on": t(s), "due": t(s), "overdue": t("boolean"), "assignee": t(s), "answer": t(s),
                "reason": t(s), "answered_on": nullable(s), "closed_on": nullable(s), "proposal": nullable(s)}}),
        ),
    ]
}

/// Finance (issue 14): the chart, vouchers with review and approval, the two statements, and
/// the audit findings. Amounts are integer fen.
fn finance_paths() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let date_q = |n: &'static str| n;
    vec![
        (
            "/api/v1/schools/{school}/accounts",
            json!({"get": op("listAccounts", "finance", "The school's chart of accounts (工会会计制度), names as in finance.md", &["school"], None, "200",
                json!({"type": "array", "items": schema_ref("Account")}))}),
        ),
        (
            "/api/v1/schools/{school}/vouchers",
            json!({"post": op("createVoucher", "finance", "Prepares a voucher (the caller is 经办); unbalanced → 422 unbalanced, in a closed period → 409 period_closed", &["school"],
                Some(json_body(schema_ref("NewVoucher"))), "201", schema_ref("Voucher"))}),
        ),
        (
            "/api/v1/vouchers/{id}/review",
            json!({"post": as_write(op("reviewVoucher", "finance", "审核 by another person than the preparer (403 own_voucher)", &["id"], None, "200", schema_ref("Voucher")))}),
        ),
        (
            "/api/v1/vouchers/{id}/approve",
            json!({"post": as_write(op("approveVoucher", "finance", "批准 of a reviewed voucher by neither preparer nor reviewer (403 own_voucher; 409 not_reviewed, needs_decision, awaiting_clearance, over_budget)", &["id"], None, "200", schema_ref("Voucher")))}),
        ),
        (
            "/api/v1/schools/{school}/reports/income-expenditure",
            json!({"get": op("incomeExpenditure", "finance", "收入支出表 of approved vouchers between from and to (YYYY-MM-DD)", &["school", date_q("from:query"), date_q("to:query")], None, "200", schema_ref("IncomeExpenditure"))}),
        ),
        (
            "/api/v1/schools/{school}/reports/balance-sheet",
            json!({"get": op("balanceSheet", "finance", "资产负债表 at a date (YYYY-MM-DD), with the opening balances", &["school", "date:query"], None, "200", schema_ref("BalanceSheet"))}),
        ),
        (
            "/api/v1/schools/{school}/audit-findings",
            json!({"get": op("auditFindings", "finance", "Automatic findings between from and to, each with the vouchers behind it", &["school", "from:query", "to:query"], None, "200",
                json!({"type": "array", "items": {"type": "object", "properties": {"kind": t("string"), "title": t("string"), "detail": t("string"), "vouchers": {"type": "array", "items": t("string")}}}}))}),
        ),
    ]
}

fn finance_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let fig =
        json!({"type": "object", "properties": {"code": t("string"), "name": t("string"), "amount": t("integer")}});
    let figs = json!({"type": "array", "items": fig});
    let line = json!({"type": "object", "required": ["account"], "properties": {"account": t("string"), "name": t("string"), "debit": {"type": "integer", "minimum": 0}, "credit": {"type": "integer", "minimum": 0}}});
    vec![
        (
            "Account",
            json!({"type": "object", "properties": {"code": t("string"), "name": t("string"),
            "kind": {"type": "string", "enum": ["asset", "liability", "net_assets", "income", "expense"]}, "parent": {"type": "string", "nullable": true}}}),
        ),
        (
            "NewVoucher",
            json!({"type": "object", "required": ["date", "summary", "lines"], "properties": {"date": {"type": "string", "pattern": DATE},
            "summary": t("string"), "payee": t("string"), "lines": {"type": "array", "items": line}}}),
        ),
        (
            "Voucher",
            json!({"type": "object", "properties": {"id": t("string"), "period": t("string"), "number": t("integer"), "date": t("string"),
            "summary": t("string"), "state": {"type": "string", "enum": ["draft", "reviewed", "approved"]}, "amount": t("integer"),
            "prepared_by": t("string"), "reviewed_by": {"type": "string", "nullable": true}, "approved_by": {"type": "string", "nullable": true},
            "reverses": {"type": "string", "nullable": true}, "lines": {"type": "array", "items": line}}}),
        ),
        (
            "IncomeExpenditure",
            json!({"type": "object", "properties": {"from": t("string"), "to": t("string"), "income": figs, "expense": figs,
            "total_income": t("integer"), "total_expense": t("integer"), "surplus": t("integer")}}),
        ),
        (
            "BalanceSheet",
            json!({"type": "object", "properties": {"date": t("string"), "assets": figs, "liabilities": figs, "net_assets": figs,
            "unclosed_surplus": t("integer"), "total_assets": t("integer"), "total_liabilities": t("integer"), "total_net_assets": t("integer"), "balanced": t("boolean")}}),
        ),
    ]
}

/// 校务公开, the work plan and the year-end summary.
fn transparency_plans_paths() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let day = json!({"type": "string", "pattern": DATE});
    let mut summary = op(
        "getSummary",
        "plans",
        "The year-end summary's figures (every figure with last year's and the query that lists its records), the chair's prose and the plan's goals. The year may be given as YYYY.docx for the Word document (GET /api/v1/schools/{school}/summary/{year}.docx)",
        &["school", "year"],
        None,
        "200",
        schema_ref("Summary"),
    );
    if let Some(content) = summary.pointer_mut("/responses/200/content").and_then(Value::as_object_mut) {
        content.insert(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document".into(),
            json!({"schema": {"type": "string", "format": "binary"}}),
        );
    }
    vec![
        (
            "/api/v1/schools/{school}/transparency",
            json!({"post": op("publishTransparencyItem", "transparency", "Publishes a 校务公开 item; its period starts on the next working day from start and lasts working_days working days (422 invalid_working_days, 422 calendar_not_covered naming the year the admin must add)", &["school"],
            Some(json_body(schema_ref("NewTransparencyItem"))), "201", record(json!({"id": t("string"), "start": day, "end": day})))}),
        ),
        (
            "/api/v1/transparency/{id}/objections",
            json!({"post": op("fileObjection", "transparency", "Files an objection (异议) to an item of the caller's school, signed or anonymous (409 period_over after the last day of the period)", &["id"],
            Some(json_body(record(json!({"body": t("string"), "anonymous": t("boolean")})))), "201", record(json!({"id": t("string"), "anonymous": t("boolean")})))}),
        ),
        (
            "/api/v1/schools/{school}/plans/{year}",
            json!({"get": op("getPlan", "plans", "The work plan of a year: sections, goals with their outcome, and month-by-month entries with computed progress (done, in_progress, not_started, overdue)", &["school", "year"], None, "200", schema_ref("Plan"))}),
        ),
        ("/api/v1/schools/{school}/summary/{year}", json!({"get": summary})),
        (
            "/api/v1/schools/{school}/summary/{year}/figures/{code}",
            json!({"get": op("getSummaryFigureRecords", "plans", "The records behind one figure of the summary", &["school", "year", "code"], None, "200",
            record(json!({"year": t("integer"), "code": t("string"), "records": {"type": "array", "items": record(json!({"id": t("string"), "label": t("string"), "date": t("string")}))}})))}),
        ),
    ]
}

fn transparency_plans_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let cats = codes(jiaogong_domain::transparency::Category::ALL.iter().map(|c| c.code()));
    let progress = codes(jiaogong_domain::plans::Progress::ALL.iter().map(|p| p.code()));
    vec![
        (
            "NewTransparencyItem",
            json!({"type": "object", "required": ["category", "title"], "properties": {
                "category": {"type": "string", "enum": cats}, "title": t("string"),
                "content": {"type": "string", "description": "Rich text (HTML); sanitised, script refused"},
                "audience": {"type": "string", "enum": ["staff", "public"]},
                "working_days": {"type": "integer", "minimum": 1, "maximum": jiaogong_domain::transparency::MAX_WORKING_DAYS, "default": 5},
                "start": {"type": "string", "pattern": DATE}}}),
        ),
        (
            "Plan",
            json!({"type": "object", "required": ["id", "year", "state", "sections", "goals", "entries"], "properties": {
                "id": t("string"), "year": t("integer"), "state": {"type": "string", "enum": ["draft", "adopted"]}, "adopted_on": nullable("string"),
                "sections": {"type": "array", "items": t("object")},
                "goals": {"type": "array", "items": {"type": "object", "properties": {"text": t("string"), "figure": nullable("string"), "value": nullable("integer"),
                    "outcome": {"type": "string", "enum": ["achieved", "not_achieved", "open"]}}}},
                "entries": {"type": "array", "items": {"type": "object", "required": ["month", "item", "kind", "progress"], "properties": {
                    "id": t("string"), "month": t("integer"), "item": t("string"), "responsible": t("string"), "kind": t("string"),
                    "links": {"type": "array", "items": t("object")}, "progress": {"type": "string", "enum": progress}}}}}}),
        ),
        (
            "Summary",
            json!({"type": "object", "required": ["year", "drafted", "figures"], "properties": {
                "year": t("integer"), "drafted": t("boolean"),
                "figures": {"type": "array", "items": record(json!({"area": t("string"), "code": t("string"), "label": t("string"), "value": t("integer"), "last_year": t("integer"), "query": t("string")}))},
                "prose": t("object"), "goals": {"type": "array", "items": t("object")}}}),
        ),
    ]
}

fn submissions_paths() -> Vec<(&'static str, Value)> {
    vec![
        (
            "/api/v1/district/submissions",
            json!({"post": op("openSubmission", "district", "The district opens a submission (上报) for its schools: the year-end summary, the staff-home self-assessment, a statistics form or other, with instructions and a deadline not in the past (422 invalid_kind, invalid_title, invalid_deadline). District accounts only", &[],
            Some(json_body(schema_ref("NewSubmission"))), "201", schema_ref("Submission"))}),
        ),
        (
            "/api/v1/district/submissions/{id}",
            json!({"get": op("getSubmission", "district", "Who of the district's schools has and has not submitted; a submission after the deadline is kept and flagged late (404 for another district's submission)", &["id"],
            None, "200", schema_ref("SubmissionStatus"))}),
        ),
    ]
}

fn submissions_schemas() -> Vec<(&'static str, Value)> {
    let t = |x: &str| json!({"type": x});
    let kinds = codes(jiaogong_domain::district::submissions::Kind::ALL.iter().map(|k| k.code()));
    let submission = json!({
        "id": t("string"), "kind": {"type": "string", "enum": kinds}, "title": t("string"),
        "instructions": t("string"), "deadline": {"type": "string", "pattern": DATE}});
    let mut status = submission.clone();
    status["submitted"] = json!({"type": "array", "items": record(json!({"school": t("string"), "name": t("string"),
        "submitted_on": nullable("string"), "late": t("boolean"), "note": t("string"), "file": t("boolean")}))});
    status["not_submitted"] =
        json!({"type": "array", "items": record(json!({"school": t("string"), "name": t("string")}))});
    vec![
        (
            "NewSubmission",
            json!({"type": "object", "required": ["kind", "title", "deadline"], "properties": {
                "kind": {"type": "string", "enum": kinds}, "title": t("string"),
                "instructions": t("string"), "deadline": {"type": "string", "pattern": DATE}}}),
        ),
        ("Submission", record(submission)),
        ("SubmissionStatus", record(status)),
    ]
}

/// The district union's dashboard: its subtree's schools with one key per figure.
fn district_paths() -> Vec<(&'static str, Value)> {
    let q = ["sort:query", "desc:query", "district:query", "below:query", "threshold:query"];
    vec![
        (
            "/api/v1/district/schools",
            json!({"get": op("listDistrictSchools", "district", "Every school of the caller's subtree (district, its sub-districts) with this year's figures from the summaries the refresher keeps current (refreshed_at: the oldest refresh shown); sort by any figure key (desc=1), filter by sub-district or below a threshold (percent for rates, yuan for amounts; 422 bad_threshold / bad_column)", &q, None, "200", schema_ref("DistrictSchools"))}),
        ),
        (
            "/api/v1/district/schools.xlsx",
            json!({"get": op("exportDistrictSchools", "district", "The same table as an .xlsx workbook", &q, None, "200", json!({"type": "string", "format": "binary"}))}),
        ),
    ]
}

fn district_schemas() -> Vec<(&'static str, Value)> {
    use jiaogong_domain::district::dashboard::{Kind, COLUMNS};
    let mut props = serde_json::Map::new();
    for (k, v) in [
        ("school", "school id"),
        ("name", "school name"),
        ("code", "school code"),
        ("district", "the sub-district's name"),
    ] {
        props.insert(k.into(), json!({"type": "string", "description": v}));
    }
    for c in COLUMNS {
        let description = match c.kind {
            Kind::Rate { .. } => "permille (0–1000); null when nothing was due",
            Kind::Fen(_) => "fen",
            Kind::Flag(_) => "1 or 0",
            Kind::Count(_) => "count; null when not recorded",
        };
        props.insert(c.key.into(), json!({"type": "integer", "nullable": true, "description": description}));
    }
    let required: Vec<String> = props.keys().cloned().collect();
    vec![
        ("DistrictSchool", json!({"type": "object", "required": required, "properties": props})),
        (
            "DistrictSchools",
            json!({"type": "object", "required": ["year", "refreshed_at", "schools"], "properties": {
                "year": {"type": "integer"}, "refreshed_at": {"type": "integer", "nullable": true, "description": "ms since the epoch"},
                "schools": {"type": "array", "items": schema_ref("DistrictSchool")}}}),
        ),
    ]
}
