// The event log (PROTOCOL.md §10) and the unattended-order schedule (§11) on SQLite.
#include <boost/json.hpp>

#include "storage/room_list.hpp"
#include "storage/sqlite/sqlite_repository.hpp"
#include "storage/storage_error.hpp"
#include "util/clock.hpp"

namespace ordercast::storage::sqlite {
using namespace ordercast::domain;
namespace json = boost::json;

void sqlite_repository::insert_event(logged_event& e) {
    auto head = db_.prepare("UPDATE event_head SET id = id + 1 WHERE one = 1 RETURNING id");
    if (!head.step()) throw storage_error("sqlite: the event log has no head row");
    e.id = head.int64(0);
    if (e.created_ms == 0) e.created_ms = util::unix_millis();
    db_.prepare(
           "INSERT INTO events (id, rooms, type, data, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, e.id)
        .bind(2, join_rooms(e.rooms))
        .bind(3, e.type)
        .bind(4, e.data)
        .bind(5, e.created_ms)
        .step();
    for (const auto& room : e.rooms) {
        db_.prepare("INSERT OR IGNORE INTO event_rooms (room, event_id) VALUES (?1, ?2)")
            .bind(1, room)
            .bind(2, e.id)
            .step();
    }
}

std::vector<logged_event> sqlite_repository::log_events(const order_events& events,
                                                        const order& stored,
                                                        std::optional<kopecks> balance) {
    if (!events) return {};
    auto entries = events(stored, balance);
    for (auto& e : entries) insert_event(e);
    return entries;
}

std::vector<logged_event> sqlite_repository::append_events(std::vector<logged_event> events) {
    transaction tx(db_);
    for (auto& e : events) insert_event(e);
    tx.commit();
    return events;
}

std::vector<logged_event> sqlite_repository::events_from(std::int64_t after_id, int limit) {
    auto st = db_.prepare(
        "SELECT id, rooms, type, data, created_ms FROM events WHERE id > ?1 ORDER BY id LIMIT ?2");
    st.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
    std::vector<logged_event> events;
    while (st.step()) {
        events.push_back(
            {st.int64(0), split_rooms(st.text(1)), st.text(2), st.text(3), st.int64(4)});
    }
    return events;
}

std::string sqlite_repository::log_name(std::string_view candidate) {
    db_.prepare("INSERT OR IGNORE INTO settings (key, value) VALUES ('event_log', ?1)")
        .bind(1, candidate)
        .step();
    auto st = db_.prepare("SELECT value FROM settings WHERE key = 'event_log'");
    st.step();
    return st.text(0);
}

void sqlite_repository::rename_log(std::string_view name) {
    db_.prepare(
           "INSERT INTO settings (key, value) VALUES ('event_log', ?1) ON CONFLICT (key) DO "
           "UPDATE SET value = excluded.value")
        .bind(1, name)
        .step();
}

std::vector<unattended_order> sqlite_repository::due_unattended(std::int64_t before_ms, int limit) {
    // created_at is ISO-8601 UTC: julianday reads it, to the millisecond.
    auto st = db_.prepare(
        "SELECT id, city_id, created_ms, COALESCE(last_alert_ms, 0) FROM (SELECT id, city_id, "
        "last_alert_ms, CAST(ROUND((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER) "
        "AS created_ms FROM orders WHERE status = 'pending') WHERE COALESCE(last_alert_ms, "
        "created_ms) <= ?1 ORDER BY COALESCE(last_alert_ms, created_ms), id LIMIT ?2");
    st.bind(1, before_ms).bind(2, static_cast<std::int64_t>(limit));
    std::vector<unattended_order> due;
    while (st.step()) due.push_back({st.int64(0), st.int64(1), st.int64(2), st.int64(3)});
    return due;
}

bool sqlite_repository::claim_unattended(std::int64_t order_id, std::int64_t last_alert_ms,
                                         std::int64_t now_ms, logged_event& event) {
    transaction tx(db_);
    db_.prepare(
           "UPDATE orders SET last_alert_ms = ?3 WHERE id = ?1 AND status = 'pending' AND "
           "COALESCE(last_alert_ms, 0) = ?2")
        .bind(1, order_id)
        .bind(2, last_alert_ms)
        .bind(3, now_ms)
        .step();
    if (db_.changes() != 1) return false;
    insert_event(event);
    tx.commit();
    return true;
}

std::vector<logged_event> sqlite_repository::events_after(std::int64_t after_id,
                                                          const std::vector<std::string>& rooms,
                                                          int limit) {
    auto st = db_.prepare(
        "SELECT e.id, e.rooms, e.type, e.data, e.created_ms FROM events e WHERE e.id IN (SELECT "
        "DISTINCT event_id FROM event_rooms WHERE room IN (SELECT value FROM json_each(?2)) AND "
        "event_id > ?1 ORDER BY event_id LIMIT ?3) ORDER BY e.id");
    json::array names;
    for (const auto& r : rooms) names.emplace_back(r);
    st.bind(1, after_id).bind(2, json::serialize(names)).bind(3, static_cast<std::int64_t>(limit));
    std::vector<logged_event> events;
    while (st.step()) {
        events.push_back(
            {st.int64(0), split_rooms(st.text(1)), st.text(2), st.text(3), st.int64(4)});
    }
    return events;
}

std::int64_t sqlite_repository::count_events_after(std::int64_t after_id, std::int64_t up_to,
                                                   const std::vector<std::string>& rooms,
                                                   int limit) {
    auto st = db_.prepare(
        "SELECT COUNT(*) FROM (SELECT DISTINCT event_id FROM event_rooms WHERE room IN (SELECT "
        "value FROM json_each(?2)) AND event_id > ?1 AND event_id <= ?3 LIMIT ?4)");
    json::array names;
    for (const auto& r : rooms) names.emplace_back(r);
    st.bind(1, after_id)
        .bind(2, json::serialize(names))
        .bind(3, up_to)
        .bind(4, static_cast<std::int64_t>(limit));
    return st.step() ? st.int64(0) : 0;
}

std::int64_t sqlite_repository::event_head() {
    auto st = db_.prepare("SELECT id FROM event_head WHERE one = 1");
    return st.step() ? st.int64(0) : 0;
}

std::int64_t sqlite_repository::oldest_event_id() {
    auto st = db_.prepare("SELECT COALESCE(MIN(id), 0) FROM events");
    st.step();
    return st.int64(0);
}

int sqlite_repository::prune_events(std::int64_t before_ms, int limit) {
    return delete_batch(
        "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_ms < ?1 ORDER BY "
        "id LIMIT ?2)",
        before_ms, limit);
}

}  // namespace ordercast::storage::sqlite
