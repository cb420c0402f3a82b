-- The event log (docs/protocol.md §10): the counter row's lock orders the committers, so ids are
-- dense and increase in commit order (a sequence would hand them out in start order).
CREATE TABLE event_head (one INTEGER PRIMARY KEY CHECK (one = 1), id BIGINT NOT NULL);
INSERT INTO event_head (one, id) VALUES (1, 0);
CREATE TABLE events (
    id BIGINT PRIMARY KEY,
    rooms TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX events_by_time ON events (created_ms);
CREATE TABLE event_rooms (
    room TEXT NOT NULL,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (room, event_id)
);
CREATE INDEX event_rooms_by_event ON event_rooms (event_id);
