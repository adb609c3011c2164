-- The district hierarchy: a district (市教育工会) may have sub-districts (区/县教育工会) under it.
-- A district user sees the schools of their district and of every district below it.
ALTER TABLE districts ADD COLUMN parent_id TEXT REFERENCES districts(id);
CREATE INDEX districts_parent ON districts(parent_id);
CREATE INDEX schools_district ON schools(district_id);
