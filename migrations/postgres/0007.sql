-- Idempotent order creation (docs/protocol.md §7): a customer's key and the answer it got, for
-- 24 h. Status 0: claimed by a request still under way.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_by_time ON idempotency_keys (created_ms);
