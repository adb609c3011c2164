-- The resource library (工会资源库): documents in folders, every uploaded version kept, and the
-- search index in the database (so every app server searches the same index). A document's
-- search text is its title and the text of its current version, normalised; its tokens are the
-- overlapping Chinese character pairs and the lowercase Latin words of that text. The primary
-- key of library_tokens leads with (school_id, token), so a lookup is an index range on both
-- databases, never a scan, and its rows come in doc_id order for a cheap LIMIT (on SQLite the
-- table is the index: WITHOUT ROWID).
CREATE TABLE library_docs (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES schools(id),
    folder TEXT NOT NULL,
    title TEXT NOT NULL,
    version BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    search_text TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX library_docs_folder ON library_docs(school_id, folder, title);
-- Files, base64 in a TEXT column as poll attachments are, so both databases hold them alike.
CREATE TABLE library_versions (
    doc_id TEXT NOT NULL REFERENCES library_docs(id),
    version BIGINT NOT NULL,
    school_id TEXT NOT NULL REFERENCES schools(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE TABLE library_tokens (
    school_id TEXT NOT NULL,
    token TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    PRIMARY KEY (school_id, token, doc_id)
) /*WITHOUT_ROWID*/;
CREATE INDEX library_tokens_doc ON library_tokens(doc_id);
