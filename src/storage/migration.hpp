#pragma once

#include <span>
#include <string>

#include "storage/storage_error.hpp"

namespace ordercast::storage {

// One numbered step of a database's schema, applied once, in order.
struct migration {
    int version;
    const char* sql;
};

// A database migrated by a newer ordercast is not touched: throws storage_error saying so.
inline void refuse_newer_schema(int found, std::span<const migration> known) {
    const int newest = known.back().version;
    if (found <= newest) return;
    throw storage_error("the database's schema is version " + std::to_string(found) +
                        ", newer than this ordercast knows (" + std::to_string(newest) +
                        "): run the newer ordercast, or restore a backup taken before the "
                        "upgrade");
}

}  // namespace ordercast::storage
