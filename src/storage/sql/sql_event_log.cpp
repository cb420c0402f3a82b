// The event log (docs/protocol.md §10) and the unattended-order schedule (§11).
#include "storage/room_list.hpp"
#include "storage/sql/sql_repository.hpp"
#include "storage/storage_error.hpp"
#include "util/clock.hpp"

namespace ordercast::storage::sql {
using namespace ordercast::domain;

namespace {

std::vector<logged_event> read_events(const rows& r) {
    std::vector<logged_event> events;
    for (int i = 0; i < r.size(); ++i) {
        events.push_back(
            {r.int64(i, 0), split_rooms(r.text(i, 1)), r.text(i, 2), r.text(i, 3), r.int64(i, 4)});
    }
    return events;
}

}  // namespace

void sql_repository::insert_events(std::vector<logged_event>& events) {
    if (events.empty()) return;
    // The counter row is updated in the appending transaction: its row lock (PostgreSQL) or
    // the one writer (SQLite) holds the next appender until COMMIT, so ids commit in the
    // order they are handed out, with no holes. Taken at the end of each transaction, so
    // the lock is held for as little as possible.
    const auto n = static_cast<std::int64_t>(events.size());
    const auto head =
        db_->exec("UPDATE event_head SET id = id + $1 WHERE one = 1 RETURNING id", {n});
    if (head.empty()) throw storage_error("the event log has no head row");
    const auto last = head.int64(0, 0);
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
    if (db_->kind() == dialect::sqlite) {
        // Statements are cheap in-process: one row at a time, each a cached statement.
        for (std::size_t i = 0; i < events.size(); ++i) {
            db_->exec(
                "INSERT INTO events (id, rooms, type, data, created_ms) VALUES ($1, $2, $3, $4, "
                "$5)",
                {ids[i], room_lists[i], types[i], data[i], created[i]});
        }
        for (std::size_t i = 0; i < room_names.size(); ++i) {
            db_->exec(
                "INSERT INTO event_rooms (room, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                {room_names[i], room_event_ids[i]});
        }
        return;
    }
    // Round trips are not: three statements however many events.
    const std::vector<std::string_view> lists(room_lists.begin(), room_lists.end());
    db_->exec(
        "INSERT INTO events (id, rooms, type, data, created_ms) SELECT * FROM "
        "unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])",
        {id_list{ids}, text_list{lists}, text_list{types}, text_list{data}, id_list{created}});
    db_->exec(
        "INSERT INTO event_rooms (room, event_id) SELECT * FROM unnest($1::text[], $2::bigint[]) "
        "ON CONFLICT DO NOTHING",
        {text_list{room_names}, id_list{room_event_ids}});
}

void sql_repository::insert_event(logged_event& e) {
    std::vector<logged_event> one{std::move(e)};
    insert_events(one);
    e = std::move(one.front());
}

std::vector<logged_event> sql_repository::log_events(const order_events& events,
                                                     const order& stored,
                                                     std::optional<kopecks> balance) {
    if (!events) return {};
    auto entries = events(stored, balance);
    insert_events(entries);
    return entries;
}

std::vector<logged_event> sql_repository::append_events(std::vector<logged_event> events) {
    transaction tx(*db_);
    insert_events(events);
    tx.commit();
    return events;
}

std::vector<logged_event> sql_repository::events_from(std::int64_t after_id, int limit) {
    return read_events(db_->exec(
        "SELECT id, rooms, type, data, created_ms FROM events WHERE id > $1 ORDER BY id LIMIT $2",
        {after_id, limit}));
}

std::vector<logged_event> sql_repository::events_after(std::int64_t after_id,
                                                       const std::vector<std::string>& rooms,
                                                       int limit) {
    const std::vector<std::string_view> names(rooms.begin(), rooms.end());
    return read_events(db_->exec(
        "SELECT e.id, e.rooms, e.type, e.data, e.created_ms FROM events e WHERE e.id IN (SELECT "
        "DISTINCT event_id FROM event_rooms WHERE room IN " +
            w_.text_rows(2) + " AND event_id > $1 ORDER BY event_id LIMIT $3) ORDER BY e.id",
        {after_id, text_list{names}, limit}));
}

std::int64_t sql_repository::count_events_after(std::int64_t after_id, std::int64_t up_to,
                                                const std::vector<std::string>& rooms, int limit) {
    const std::vector<std::string_view> names(rooms.begin(), rooms.end());
    return db_
        ->exec("SELECT COUNT(*) FROM (SELECT DISTINCT event_id FROM event_rooms WHERE room IN " +
                   w_.text_rows(2) + " AND event_id > $1 AND event_id <= $3 LIMIT $4) counted",
               {after_id, text_list{names}, up_to, limit})
        .int64(0, 0);
}

std::int64_t sql_repository::event_head() {
    auto r = db_->exec("SELECT id FROM event_head WHERE one = 1");
    return r.empty() ? 0 : r.int64(0, 0);
}

std::int64_t sql_repository::oldest_event_id() {
    return db_->exec("SELECT COALESCE(MIN(id), 0) FROM events").int64(0, 0);
}

std::string sql_repository::log_name(std::string_view candidate) {
    db_->exec("INSERT INTO settings (key, value) VALUES ('event_log', $1) ON CONFLICT DO NOTHING",
              {candidate});
    return db_->exec("SELECT value FROM settings WHERE key = 'event_log'").text(0, 0);
}

void sql_repository::rename_log(std::string_view name) {
    db_->exec(
        "INSERT INTO settings (key, value) VALUES ('event_log', $1) ON CONFLICT (key) DO UPDATE "
        "SET value = excluded.value",
        {name});
}

int sql_repository::prune_events(std::int64_t before_ms, int limit) {
    return delete_batch(
        "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_ms < $1 ORDER BY id "
        "LIMIT $2)",
        before_ms, limit);
}

std::vector<unattended_order> sql_repository::due_unattended(std::int64_t before_ms, int limit) {
    auto r = db_->exec(
        std::string("SELECT id, city_id, created_ms, COALESCE(last_alert_ms, 0) FROM (SELECT id, "
                    "city_id, last_alert_ms, ") +
            w_.created_ms +
            " AS created_ms FROM orders WHERE status = 'pending') pending WHERE "
            "COALESCE(last_alert_ms, created_ms) <= $1 ORDER BY COALESCE(last_alert_ms, "
            "created_ms), id LIMIT $2",
        {before_ms, limit});
    std::vector<unattended_order> due;
    for (int i = 0; i < r.size(); ++i)
        due.push_back({r.int64(i, 0), r.int64(i, 1), r.int64(i, 2), r.int64(i, 3)});
    return due;
}

bool sql_repository::claim_unattended(std::int64_t order_id, std::int64_t last_alert_ms,
                                      std::int64_t now_ms, logged_event& event) {
    transaction tx(*db_);
    // Conditional on the last alert the claimer saw: of several instances, one wins.
    const bool claimed = db_->exec(
                                "UPDATE orders SET last_alert_ms = $3 WHERE id = $1 AND status = "
                                "'pending' AND COALESCE(last_alert_ms, 0) = $2",
                                {order_id, last_alert_ms, now_ms})
                             .affected() == 1;
    if (!claimed) return false;
    insert_event(event);
    tx.commit();
    return true;
}

}  // namespace ordercast::storage::sql
