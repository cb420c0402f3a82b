#pragma once

#include <span>

#include "storage/migration.hpp"

namespace ordercast::storage::postgres {

using storage::migration;

// migrations/postgres/NNNN.sql, embedded at build time (the history is frozen; a new one
// gets the next number). Applied in order under an advisory lock (instances may start
// together); the table
// schema_version records the last.
std::span<const migration> migrations();

}  // namespace ordercast::storage::postgres
