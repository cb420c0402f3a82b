-- Names that differ only in case or spacing are one name: the key is unique. Filled for
-- older rows after migrating (text_key is not SQL).
ALTER TABLE cities ADD COLUMN name_key TEXT;
CREATE UNIQUE INDEX cities_by_key ON cities (name_key);
