#pragma once

#include <memory>

#include "storage/db_worker.hpp"
#include "transport/shard_pool.hpp"
#include "util/periodic.hpp"

namespace ordercast::app {

// Accounts whose tokens were ended — a password change or a removal, by the command line or
// another instance — lose their older sockets here too, within about a second.
std::unique_ptr<util::periodic> watch_ended_accounts(storage::db_worker& db,
                                                     transport::shard_pool& shards);

}  // namespace ordercast::app
