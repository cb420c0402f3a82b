-- The event log (docs/protocol.md §10): a counter row hands out dense ids in commit order; rooms
-- are indexed so a replay reads only what its rooms were sent.
CREATE TABLE event_head (one INTEGER PRIMARY KEY CHECK (one = 1), id INTEGER NOT NULL);
INSERT INTO event_head (one, id) VALUES (1, 0);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    rooms TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX events_by_time ON events (created_ms);
CREATE TABLE event_rooms (
    room TEXT NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    PRIMARY KEY (room, event_id)
);
CREATE INDEX event_rooms_by_event ON event_rooms (event_id);
