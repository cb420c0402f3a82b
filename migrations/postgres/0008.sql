-- Unattended orders (docs/protocol.md §11): when each pending order was last alerted about (none
-- yet: its creation counts); the schedule lives here, so restarts and instances share it.
ALTER TABLE orders ADD COLUMN last_alert_ms BIGINT;
CREATE INDEX orders_pending ON orders (id) WHERE status = 'pending';
