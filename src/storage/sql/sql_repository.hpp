#pragma once

#include <memory>
#include <string>

#include "domain/repository.hpp"
#include "storage/sql/db.hpp"

namespace ordercast::storage::sql {

// What the two SQL dialects spell differently; everything else is written once.
struct dialect_words {
    // A subquery of the ids (texts) of list parameter $N, as a column named `value`.
    std::string (*id_rows)(int n);
    std::string (*text_rows)(int n);
    const char* lock_share;         // after a SELECT: rows read stay as read until COMMIT
    const char* lock_update;        // after a SELECT: rows read are ours until COMMIT
    const char* lock_skip;          // after a SELECT: rows others hold are skipped
    const char* item_cities;        // a menu item m's cities as "3,7" (none: NULL)
    const char* created_ms;         // orders.created_at as unix milliseconds
    const char* new_user_id;        // the id of a user ordercast creates (1e9 and up)
    const char* order_key_columns;  // order columns filled in on insert, and their values
    const char* order_key_values;
};

// The repository (domain::repository) over either database: one implementation, every
// business query once. Not thread-safe: one db_worker thread uses it.
class sql_repository final : public domain::repository {
public:
    // With `record_outbox`, every order change also writes its outbox row. The schema must be
    // migrated already (sqlite::migrate, postgres::migrate).
    sql_repository(std::unique_ptr<db> database, bool record_outbox = false);

    void ensure_user(std::int64_t id, std::string_view role) override;
    std::optional<domain::account_state> account(std::int64_t id) override;
    std::vector<domain::account_state> accounts_ended_since(std::int64_t since_s) override;
    domain::user upsert_telegram_user(std::int64_t telegram_id, std::string_view first_name,
                                      std::string_view username) override;
    std::int64_t add_staff_user(std::string_view login, std::string_view password_hash,
                                std::string_view role,
                                const std::vector<std::int64_t>& cities) override;
    std::optional<domain::staff_account> find_staff(std::string_view login) override;
    std::vector<domain::staff_account> list_staff() override;
    bool set_password(std::string_view login, std::string_view password_hash) override;
    std::optional<std::int64_t> remove_staff(std::string_view login) override;

    std::vector<domain::city> list_cities() override;
    std::optional<domain::city> add_city(std::string_view name) override;
    bool city_exists(std::int64_t id) override;
    std::vector<std::int64_t> manager_cities(std::int64_t user_id) override;
    void set_manager_cities(std::int64_t user_id, const std::vector<std::int64_t>& cities) override;

    std::vector<domain::menu_item> list_menu(std::optional<std::int64_t> city_id,
                                             bool available_only) override;
    std::optional<domain::menu_item> find_menu_item(std::int64_t id) override;
    std::optional<domain::menu_item> add_menu_item(const domain::menu_item& item) override;
    std::pair<domain::menu_write, domain::menu_item> update_menu_item(
        std::int64_t id, const domain::menu_patch& patch) override;
    int import_menu(const std::vector<domain::menu_item>& items) override;

    std::optional<domain::created_order> create_order(
        domain::order o, const domain::order_pricing& price, const domain::order_events& events,
        const domain::idempotency_claim* claim, const domain::order_document& document) override;
    std::optional<domain::remembered_answer> remembered(std::int64_t user_id, std::string_view key,
                                                        std::int64_t since_ms) override;
    int prune_idempotency(std::int64_t before_ms, int limit) override;
    std::optional<domain::order> find_order(std::int64_t id) override;
    std::vector<domain::order> list_orders(const domain::order_filter& filter) override;
    std::optional<domain::status_change> change_status(
        std::int64_t id, domain::order_status from, domain::order_status to,
        const domain::bonus_effect& effect, const domain::order_events& events,
        const domain::order_document& document) override;
    std::pair<domain::kopecks, std::vector<domain::bonus_operation>> bonuses(std::int64_t user_id,
                                                                             int limit) override;

    std::vector<domain::outbox_record> due_outbox(std::int64_t now_ms, int limit,
                                                  std::string_view owner,
                                                  std::int64_t lease_ms) override;
    bool outbox_sent(std::int64_t id, std::string_view owner, std::int64_t now_ms,
                     domain::logged_event* event) override;
    bool outbox_failed(std::int64_t id, std::string_view owner, int attempts,
                       std::string_view error, std::optional<std::int64_t> next_attempt_ms,
                       domain::logged_event* event) override;
    void mark_sync_on() override;
    void release_stale_outbox_leases() override;
    int prune_outbox(std::int64_t before_ms, int limit) override;
    std::vector<domain::outbox_record> failed_outbox(int limit) override;
    int requeue_outbox(std::string_view entity, std::int64_t entity_id,
                       std::int64_t now_ms) override;
    std::int64_t pending_outbox() override;

    std::vector<domain::unattended_order> due_unattended(std::int64_t before_ms,
                                                         int limit) override;
    bool claim_unattended(std::int64_t order_id, std::int64_t last_alert_ms, std::int64_t now_ms,
                          domain::logged_event& event) override;

    std::vector<domain::logged_event> append_events(
        std::vector<domain::logged_event> events) override;
    std::int64_t count_events_after(std::int64_t after_id, std::int64_t up_to,
                                    const std::vector<std::string>& rooms, int limit) override;
    std::vector<domain::logged_event> events_after(std::int64_t after_id,
                                                   const std::vector<std::string>& rooms,
                                                   int limit) override;
    std::vector<domain::logged_event> events_from(std::int64_t after_id, int limit) override;
    std::int64_t event_head() override;
    std::int64_t oldest_event_id() override;
    std::string log_name(std::string_view candidate) override;
    void rename_log(std::string_view name) override;
    int prune_events(std::int64_t before_ms, int limit) override;

    bool healthy() override;
    void cancel() override { db_->cancel(); }

private:
    void backfill_keys();
    domain::kopecks balance_of(std::int64_t user_id);
    void record_bonus(std::int64_t user_id, std::int64_t order_id, std::string_view type,
                      domain::kopecks amount, domain::kopecks balance_after, const std::string& at);
    // The change's document, for Gulyash, when any instance syncs.
    void record_outbox(const domain::order& o, const std::string& document);
    std::vector<domain::menu_item> menu_where(const std::string& where,
                                              std::initializer_list<param> params);
    void set_menu_cities(std::int64_t item_id, const std::vector<std::int64_t>& cities);
    // Nothing when the name is taken.
    std::optional<domain::menu_item> insert_menu_item(const domain::menu_item& item);
    // Logs `events` inside the transaction under way, taking their ids from the counter row.
    void insert_events(std::vector<domain::logged_event>& events);
    void insert_event(domain::logged_event& e);
    // The entries `events` makes of a stored change, logged in its transaction.
    std::vector<domain::logged_event> log_events(const domain::order_events& events,
                                                 const domain::order& stored,
                                                 std::optional<domain::kopecks> balance);
    // Runs a DELETE of one batch ($1 the cutoff, $2 the batch size); returns how many rows.
    int delete_batch(const char* sql, std::int64_t before_ms, int limit);

    std::unique_ptr<db> db_;
    const dialect_words& w_;
    bool record_outbox_;
};

}  // namespace ordercast::storage::sql
