#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/logged_event.hpp"
#include "domain/menu.hpp"
#include "domain/order.hpp"

namespace ordercast::domain {

struct order_filter {
    std::optional<std::int64_t> user_id;              // only this user's orders
    std::optional<std::vector<std::int64_t>> cities;  // only orders of these cities
    std::optional<order_status> status;
    std::optional<std::int64_t> city_id;
    std::optional<std::int64_t> before_id;  // cursor: orders with a smaller id
    int limit = 50;
};

// A bonus movement that goes with a status change, in the same transaction.
struct bonus_effect {
    std::string type;  // earned or refunded; empty: none
    kopecks amount = 0;
};

struct status_change {
    order updated;
    std::optional<kopecks> balance;    // after the bonus effect, when there was one
    std::vector<logged_event> events;  // what the change wrote to the event log
};

struct created_order {
    order placed;
    kopecks balance = 0;
    std::vector<logged_event> events;  // what the order wrote to the event log
};

// Prices a new order from the menu inside its transaction: given the menu items its lines
// name (read so that a concurrent change of them waits), fills in each line's name and price
// and the order's totals, or throws domain::error.
using order_pricing = std::function<void(order& o, const std::vector<menu_item>& menu)>;

// A pending order that is due an unattended alert (docs/protocol.md §11).
struct unattended_order {
    std::int64_t id = 0;
    std::int64_t city_id = 0;
    std::int64_t created_ms = 0;
    std::int64_t last_alert_ms = 0;  // 0: none yet
};

// POST /api/orders with an Idempotency-Key (docs/protocol.md §7): the first request's answer is
// remembered under the user's key, in the transaction that creates the order.
inline constexpr std::int64_t idempotency_ttl_ms = 24LL * 3600 * 1000;

struct idempotency_claim {
    std::string key;
    std::string request_hash;  // of the request body, to tell a reused key from a retry
    std::int64_t now_ms = 0;
    std::int64_t ttl_ms = 0;  // older claims are forgotten
};

struct remembered_answer {
    std::string request_hash;
    int status = 0;
    std::string body;
};

// Another request holds the key: its answer is (or is about to be) remembered.
struct idempotency_key_taken : std::runtime_error {
    idempotency_key_taken() : std::runtime_error("idempotency key taken") {}
};

// The log entries an order change writes with it, given what was stored and the bonus
// balance after it (when bonuses moved). Called inside the change's transaction.
using order_events =
    std::function<std::vector<logged_event>(const order& stored, std::optional<kopecks> balance)>;

// An order as a document (the 201 body of POST /api/orders, the body Gulyash receives),
// made by the domain once the stored order has its id and times; storage keeps the text as
// it is. Empty: nothing is made (the documents are stored empty).
using order_document = std::function<std::string(const order& stored)>;

struct account_state {
    std::int64_t id = 0;
    std::string role;
    std::int64_t tokens_after = 0;  // unix seconds: tokens issued before it are void
};

struct staff_account {
    std::int64_t id = 0;
    std::string role;
    std::string password_hash;
    std::vector<std::int64_t> cities;
    std::string login;
};

// A change waiting to be delivered to Gulyash (the outbox), written in the same transaction
// as the change itself.
struct outbox_record {
    std::int64_t id = 0;
    std::string entity;  // "order"
    std::int64_t entity_id = 0;
    std::string payload;  // the JSON body to send
    std::string status;   // pending, sent, failed
    int attempts = 0;
    std::int64_t created_ms = 0;  // unix milliseconds
    std::string last_error;
    std::string updated_at;
};

// Persistence of the domain, one implementation per database. Every method is one
// transaction; implementations are used from one thread at a time.
class repository {
public:
    virtual ~repository() = default;

    virtual void ensure_user(std::int64_t id, std::string_view role) = 0;
    // A user the database holds — its role, and the time before which its tokens are void
    // (unix seconds; 0: all are good); nothing for one it does not hold (or removed).
    virtual std::optional<account_state> account(std::int64_t id) = 0;
    // Accounts whose tokens were ended (password changed, removed) at or after `since_s`,
    // with the time: every instance closes their older sockets.
    virtual std::vector<account_state> accounts_ended_since(std::int64_t since_s) = 0;
    virtual user upsert_telegram_user(std::int64_t telegram_id, std::string_view first_name,
                                      std::string_view username) = 0;
    virtual std::int64_t add_staff_user(std::string_view login, std::string_view password_hash,
                                        std::string_view role,
                                        const std::vector<std::int64_t>& cities) = 0;
    virtual std::optional<staff_account> find_staff(std::string_view login) = 0;
    // Every staff account (no password hashes), by id.
    virtual std::vector<staff_account> list_staff() = 0;
    // False when no staff account has this login. Ends every token issued before now.
    virtual bool set_password(std::string_view login, std::string_view password_hash) = 0;
    // Ends a staff account: its login and password go, its id stays (never handed out again)
    // marked removed, so its tokens name no user any more. The id, or nothing when no account
    // has this login.
    virtual std::optional<std::int64_t> remove_staff(std::string_view login) = 0;

    virtual std::vector<city> list_cities() = 0;
    // Nothing when the name is taken.
    virtual std::optional<city> add_city(std::string_view name) = 0;
    virtual bool city_exists(std::int64_t id) = 0;
    virtual std::vector<std::int64_t> manager_cities(std::int64_t user_id) = 0;
    // Replaces the cities of a manager the database holds.
    virtual void set_manager_cities(std::int64_t user_id,
                                    const std::vector<std::int64_t>& cities) = 0;

    // The menu (docs/protocol.md §7). Items sold in `city_id` (all of them without one), only
    // the available ones when asked, by id.
    virtual std::vector<menu_item> list_menu(std::optional<std::int64_t> city_id,
                                             bool available_only) = 0;
    virtual std::optional<menu_item> find_menu_item(std::int64_t id) = 0;
    // Nothing when its name (compared by util::text_key) is taken.
    virtual std::optional<menu_item> add_menu_item(const menu_item& item) = 0;
    virtual std::pair<menu_write, menu_item> update_menu_item(std::int64_t id,
                                                              const menu_patch& patch) = 0;
    // Adds each item, or updates the one with its name, all in one transaction; returns how
    // many were added.
    virtual int import_menu(const std::vector<menu_item>& items) = 0;

    // Stores a new order (id, number and timestamps are filled in), priced by `price` from
    // the menu (when given), and the log entries `events` makes of it. When it spends
    // bonuses the balance is debited in the same transaction; nothing is stored and nothing
    // is returned when the balance is short.
    // With `claim`, the 201 and its body are remembered under the key in the same
    // transaction; throws idempotency_key_taken when another request claimed it first (on
    // PostgreSQL the later one waits for the first to commit).
    virtual std::optional<created_order> create_order(order o, const order_pricing& price,
                                                      const order_events& events,
                                                      const idempotency_claim* claim,
                                                      const order_document& document) = 0;
    // The answer remembered under `key` for `user_id` since `since_ms`, if any.
    virtual std::optional<remembered_answer> remembered(std::int64_t user_id, std::string_view key,
                                                        std::int64_t since_ms) = 0;
    // Deletes up to `limit` remembered answers older than `before_ms`; returns how many.
    virtual int prune_idempotency(std::int64_t before_ms, int limit) = 0;
    virtual std::optional<order> find_order(std::int64_t id) = 0;
    virtual std::vector<order> list_orders(const order_filter& filter) = 0;
    // Moves the order from `from` to `to` with `effect`, only if it is still in `from`, and
    // logs the entries `events` makes of it.
    virtual std::optional<status_change> change_status(std::int64_t id, order_status from,
                                                       order_status to, const bonus_effect& effect,
                                                       const order_events& events,
                                                       const order_document& document) = 0;
    virtual std::pair<kopecks, std::vector<bonus_operation>> bonuses(std::int64_t user_id,
                                                                     int limit) = 0;

    // The outbox (Gulyash sync). Due records are pending ones whose time has come, that no
    // earlier undelivered record of the same entity precedes, and that nobody holds a lease
    // on; they are leased to `owner` for `lease_ms` and returned oldest first.
    virtual std::vector<outbox_record> due_outbox(std::int64_t now_ms, int limit,
                                                  std::string_view owner,
                                                  std::int64_t lease_ms) = 0;
    // Each outcome is recorded only while `owner` still holds the record's lease (false
    // otherwise: another worker took it over, and its outcome is the one that counts), with
    // `event` (when given) logged in the same transaction; its id is filled in.
    virtual bool outbox_sent(std::int64_t id, std::string_view owner, std::int64_t now_ms,
                             logged_event* event) = 0;
    // A failed attempt: retried at `next_attempt_ms`, or given up (status failed) without one.
    virtual bool outbox_failed(std::int64_t id, std::string_view owner, int attempts,
                               std::string_view error, std::optional<std::int64_t> next_attempt_ms,
                               logged_event* event) = 0;
    // Records that some instance delivers to Gulyash: from then on every instance records
    // outbox rows for its changes, configured for Gulyash or not.
    virtual void mark_sync_on() = 0;
    // At a server's start: frees the leases no live worker can hold. SQLite has one server
    // per file, so every lease there is a dead process's; on PostgreSQL other instances may
    // be alive, and a dead one's leases simply run out.
    virtual void release_stale_outbox_leases() = 0;
    // Deletes up to `limit` records sent before `before_ms`; returns how many.
    virtual int prune_outbox(std::int64_t before_ms, int limit) = 0;
    virtual std::vector<outbox_record> failed_outbox(int limit) = 0;
    // Puts the given-up records of one entity back in the queue; returns how many.
    virtual int requeue_outbox(std::string_view entity, std::int64_t entity_id,
                               std::int64_t now_ms) = 0;
    virtual std::int64_t pending_outbox() = 0;

    // Unattended orders: pending ones last alerted about (or, never alerted, created) at or
    // before `before_ms`, oldest first.
    virtual std::vector<unattended_order> due_unattended(std::int64_t before_ms, int limit) = 0;
    // Claims the alert for `order_id` if it is still pending and nobody has alerted since
    // `last_alert_ms` (0: never): records `now_ms` as its last alert and logs `event` in the
    // same transaction. False when another instance was first, or the order moved on.
    virtual bool claim_unattended(std::int64_t order_id, std::int64_t last_alert_ms,
                                  std::int64_t now_ms, logged_event& event) = 0;

    // The event log. Ids are dense and increase in commit order: a counter row updated in
    // the appending transaction orders the committers (its row lock on PostgreSQL, the one
    // writer on SQLite), so a reader that sees id N+2 and not N+1 knows N+1 is coming.
    // Logs `events` in one transaction of their own (a group commit), in order; fills in
    // and returns their ids and times.
    virtual std::vector<logged_event> append_events(std::vector<logged_event> events) = 0;
    logged_event append_event(logged_event e) {
        std::vector<logged_event> one;
        one.push_back(std::move(e));
        return std::move(append_events(std::move(one)).front());
    }
    // Up to `limit` events after `after_id` addressed to any of `rooms`, in id order (read
    // through the room index, not by scanning the log).
    // How many events for `rooms` there are with after_id < id <= up_to, counting no further
    // than `limit` (a resume's too-many check without reading the events).
    virtual std::int64_t count_events_after(std::int64_t after_id, std::int64_t up_to,
                                            const std::vector<std::string>& rooms, int limit) = 0;
    virtual std::vector<logged_event> events_after(std::int64_t after_id,
                                                   const std::vector<std::string>& rooms,
                                                   int limit) = 0;
    // Up to `limit` events after `after_id`, whatever their rooms, in id order.
    virtual std::vector<logged_event> events_from(std::int64_t after_id, int limit) = 0;
    // The newest id handed out (0 before the first event), and the oldest still held (0 when
    // the log is empty).
    virtual std::int64_t event_head() = 0;
    virtual std::int64_t oldest_event_id() = 0;
    // The log's name: `candidate` when the log has none yet (its first server), else the one
    // stored. Instances that share it share one log, and only they may share events.
    virtual std::string log_name(std::string_view candidate) = 0;
    // Gives the log a new name — its epoch (docs/protocol.md §10) — after a restore: clients that
    // resume with the old one are told to resync, and the instances' Redis channel changes
    // with it, so a restored copy never exchanges events with the original.
    virtual void rename_log(std::string_view name) = 0;
    // Deletes up to `limit` of the oldest events created before `before_ms`; returns how many.
    virtual int prune_events(std::int64_t before_ms, int limit) = 0;

    virtual bool healthy() = 0;
    // Thread-safe: the query under way (if any) and every later one fail at once; for a
    // server that is stopping while its database does not answer.
    virtual void cancel() {}
};

}  // namespace ordercast::domain
