#pragma once

#include <span>

#include "storage/migration.hpp"

namespace ordercast::storage::sqlite {

using storage::migration;

// migrations/sqlite/NNNN.sql, embedded at build time (the history is frozen; a new one gets
// the next number). Applied in order, each in its own transaction; PRAGMA user_version
// records the last.
std::span<const migration> migrations();

}  // namespace ordercast::storage::sqlite
