-- Outcomes are recorded only by the lease's owner; sent records are pruned by the time they
-- were sent.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sent_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX outbox_sent ON outbox (status, sent_ms);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
