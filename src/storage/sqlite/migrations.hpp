#pragma once

#include <span>

namespace ordercast::storage::sqlite {

struct migration {
    int version;
    const char* sql;
};

// Applied in order, each in its own transaction; PRAGMA user_version records the last.
std::span<const migration> migrations();

}  // namespace ordercast::storage::sqlite
