// The event log (PROTOCOL.md §10) and the unattended-order schedule (§11) on PostgreSQL.
#include "storage/postgres/pg_arrays.hpp"
#include "storage/postgres/pg_repository.hpp"
#include "storage/room_list.hpp"
#include "util/clock.hpp"

namespace ordercast::storage::postgres {
using namespace ordercast::domain;

void pg_repository::insert_events(std::vector<logged_event>& events) {
    if (events.empty()) return;
    // The counter row's lock is held to COMMIT: the next appender waits, so ids commit in
    // the order they are handed out, with no holes. Taken at the end of each transaction,
    // so the lock is held for as little as possible; three statements however many events.
    const auto n = static_cast<std::int64_t>(events.size());
    const auto last =
        db_.exec("UPDATE event_head SET id = id + $1 WHERE one = 1 RETURNING id", {p(n)})
            .int64(0, 0);
    const auto now = util::unix_millis();
    std::vector<std::int64_t> ids, created, room_event_ids;
    std::vector<std::string> room_lists;
    std::vector<std::string_view> types, data, room_names;
    for (std::size_t i = 0; i < events.size(); ++i) {
        auto& e = events[i];
        e.id = last - n + 1 + static_cast<std::int64_t>(i);
        if (e.created_ms == 0) e.created_ms = now;
        ids.push_back(e.id);
        created.push_back(e.created_ms);
        room_lists.push_back(join_rooms(e.rooms));
        types.push_back(e.type);
        data.push_back(e.data);
        for (const auto& room : e.rooms) {
            room_names.push_back(room);
            room_event_ids.push_back(e.id);
        }
    }
    const std::vector<std::string_view> lists(room_lists.begin(), room_lists.end());
    db_.exec(
        "INSERT INTO events (id, rooms, type, data, created_ms) SELECT * FROM "
        "unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])",
        {id_array(ids), text_array(lists), text_array(types), text_array(data), id_array(created)});
    db_.exec(
        "INSERT INTO event_rooms (room, event_id) SELECT * FROM unnest($1::text[], $2::bigint[]) "
        "ON CONFLICT DO NOTHING",
        {text_array(room_names), id_array(room_event_ids)});
}

void pg_repository::insert_event(logged_event& e) {
    std::vector<logged_event> one;
    one.push_back(std::move(e));
    insert_events(one);
    e = std::move(one.front());
}

std::vector<logged_event> pg_repository::log_events(const order_events& events, const order& stored,
                                                    std::optional<kopecks> balance) {
    if (!events) return {};
    auto entries = events(stored, balance);
    insert_events(entries);
    return entries;
}

std::vector<logged_event> pg_repository::append_events(std::vector<logged_event> events) {
    transaction tx(db_);
    insert_events(events);
    tx.commit();
    return events;
}

std::vector<logged_event> pg_repository::events_from(std::int64_t after_id, int limit) {
    auto r = db_.exec(
        "SELECT id, rooms, type, data, created_ms FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        {p(after_id), p(static_cast<std::int64_t>(limit))});
    std::vector<logged_event> events;
    for (int i = 0; i < r.rows(); ++i) {
        events.push_back(
            {r.int64(i, 0), split_rooms(r.text(i, 1)), r.text(i, 2), r.text(i, 3), r.int64(i, 4)});
    }
    return events;
}

std::string pg_repository::log_name(std::string_view candidate) {
    db_.exec("INSERT INTO settings (key, value) VALUES ('event_log', $1) ON CONFLICT DO NOTHING",
             {p(candidate)});
    return db_.exec("SELECT value FROM settings WHERE key = 'event_log'").text(0, 0);
}

void pg_repository::rename_log(std::string_view name) {
    db_.exec(
        "INSERT INTO settings (key, value) VALUES ('event_log', $1) ON CONFLICT (key) DO UPDATE "
        "SET value = excluded.value",
        {p(name)});
}

std::vector<unattended_order> pg_repository::due_unattended(std::int64_t before_ms, int limit) {
    auto r = db_.exec(
        "SELECT id, city_id, created_ms, COALESCE(last_alert_ms, 0) FROM (SELECT id, city_id, "
        "last_alert_ms, (EXTRACT(EPOCH FROM created_at::timestamptz) * 1000)::bigint AS "
        "created_ms FROM orders WHERE status = 'pending') pending WHERE COALESCE(last_alert_ms, "
        "created_ms) <= $1 ORDER BY COALESCE(last_alert_ms, created_ms), id LIMIT $2",
        {p(before_ms), p(static_cast<std::int64_t>(limit))});
    std::vector<unattended_order> due;
    for (int i = 0; i < r.rows(); ++i)
        due.push_back({r.int64(i, 0), r.int64(i, 1), r.int64(i, 2), r.int64(i, 3)});
    return due;
}

bool pg_repository::claim_unattended(std::int64_t order_id, std::int64_t last_alert_ms,
                                     std::int64_t now_ms, logged_event& event) {
    transaction tx(db_);
    // Conditional on the last alert the claimer saw: of several instances, one wins.
    const bool claimed = db_.exec(
                                "UPDATE orders SET last_alert_ms = $3 WHERE id = $1 AND status = "
                                "'pending' AND COALESCE(last_alert_ms, 0) = $2",
                                {p(order_id), p(last_alert_ms), p(now_ms)})
                             .affected() == 1;
    if (!claimed) return false;
    insert_event(event);
    tx.commit();
    return true;
}

std::vector<logged_event> pg_repository::events_after(std::int64_t after_id,
                                                      const std::vector<std::string>& rooms,
                                                      int limit) {
    // Room ids are validated names (letters, digits, dashes): a plain array literal.
    auto r = db_.exec(
        "SELECT e.id, e.rooms, e.type, e.data, e.created_ms FROM events e WHERE e.id IN (SELECT "
        "DISTINCT event_id FROM event_rooms WHERE room = ANY($2::text[]) AND event_id > $1 ORDER "
        "BY event_id LIMIT $3) ORDER BY e.id",
        {p(after_id), "{" + join_rooms(rooms) + "}", p(static_cast<std::int64_t>(limit))});
    std::vector<logged_event> events;
    for (int i = 0; i < r.rows(); ++i) {
        events.push_back(
            {r.int64(i, 0), split_rooms(r.text(i, 1)), r.text(i, 2), r.text(i, 3), r.int64(i, 4)});
    }
    return events;
}

std::int64_t pg_repository::count_events_after(std::int64_t after_id, std::int64_t up_to,
                                               const std::vector<std::string>& rooms, int limit) {
    auto r = db_.exec(
        "SELECT COUNT(*) FROM (SELECT DISTINCT event_id FROM event_rooms WHERE room = "
        "ANY($2::text[]) AND event_id > $1 AND event_id <= $3 LIMIT $4) counted",
        {p(after_id), "{" + join_rooms(rooms) + "}", p(up_to),
         p(static_cast<std::int64_t>(limit))});
    return r.int64(0, 0);
}

std::int64_t pg_repository::event_head() {
    auto r = db_.exec("SELECT id FROM event_head WHERE one = 1");
    return r.empty() ? 0 : r.int64(0, 0);
}

std::int64_t pg_repository::oldest_event_id() {
    return db_.exec("SELECT COALESCE(MIN(id), 0) FROM events").int64(0, 0);
}

int pg_repository::prune_events(std::int64_t before_ms, int limit) {
    return static_cast<int>(
        db_.exec("DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_ms < $1 "
                 "ORDER BY id LIMIT $2)",
                 {p(before_ms), p(static_cast<std::int64_t>(limit))})
            .affected());
}

}  // namespace ordercast::storage::postgres
