#pragma once

#include <span>

#include "storage/migration.hpp"

namespace ordercast::storage::sqlite {

using storage::migration;

// Applied in order, each in its own transaction; PRAGMA user_version records the last.
std::span<const migration> migrations();

}  // namespace ordercast::storage::sqlite
