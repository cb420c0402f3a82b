#include "app/ended_accounts.hpp"

#include <limits>
#include <map>

#include "storage/on_db.hpp"
#include "util/clock.hpp"

namespace ordercast::app {

std::unique_ptr<util::periodic> watch_ended_accounts(storage::db_worker& db,
                                                     transport::shard_pool& shards) {
    return std::make_unique<util::periodic>(
        "ended accounts", std::chrono::milliseconds(1000),
        [&db, &shards, since = util::unix_seconds(),
         handled = std::map<std::int64_t, std::pair<std::int64_t, bool>>()]() mutable {
            auto ended = storage::on_db(
                db, [since](domain::repository& r) { return r.accounts_ended_since(since); });
            if (!ended) return;
            for (const auto& account : *ended) {
                // A removal in the same second as a password change is news too.
                const bool removed = account.role == "removed";
                auto& done = handled[account.id];
                if (done.first >= account.tokens_after && done.second == removed) continue;
                done = {account.tokens_after, removed};
                // A removed account names nobody: every socket of it goes.
                shards.end_tokens(account.id, removed ? std::numeric_limits<std::int64_t>::max()
                                                      : account.tokens_after);
                since = std::max(since, account.tokens_after);
            }
            // The next poll reads from the newest second seen (still, for what lands in it):
            // what is older is handled and forgotten.
            std::erase_if(handled, [&](const auto& h) { return h.second.first < since; });
        });
}

}  // namespace ordercast::app
