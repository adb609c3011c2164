//! What a congress session's page lists besides its votes: agenda items (议程), documents
//! (工作报告, 财务工作报告, drafts of rules …) and non-voting attendees (列席).

/// The kind of a session item (the column `session_items.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionItemKind {
    Agenda,
    Document,
    Attendee,
}

impl SessionItemKind {
    pub const ALL: [SessionItemKind; 3] =
        [SessionItemKind::Agenda, SessionItemKind::Document, SessionItemKind::Attendee];

    pub fn code(self) -> &'static str {
        match self {
            SessionItemKind::Agenda => "agenda",
            SessionItemKind::Document => "document",
            SessionItemKind::Attendee => "attendee",
        }
    }

    pub fn from_code(code: &str) -> Option<SessionItemKind> {
        SessionItemKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

crate::stored_code!(SessionItemKind, serialize);
