-- Photos of an activity taken on the day, added by its organiser afterwards (resized and without
-- EXIF, as news photos are), shown on the activity's page. Base64 text as the other files.
CREATE TABLE activity_photos (
    id TEXT PRIMARY KEY,
    activity_id TEXT NOT NULL REFERENCES activities(id),
    school_id TEXT NOT NULL REFERENCES schools(id),
    data TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX activity_photos_activity ON activity_photos(activity_id, created_at);
