#pragma once

#include <span>

namespace ordercast::storage::postgres {

struct migration {
    int version;
    const char* sql;
};

// Applied in order under an advisory lock (instances may start together); the table
// schema_version records the last.
std::span<const migration> migrations();

}  // namespace ordercast::storage::postgres
