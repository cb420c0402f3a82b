#pragma once

namespace ordercast::storage {

// One numbered step of a database's schema, applied once, in order.
struct migration {
    int version;
    const char* sql;
};

}  // namespace ordercast::storage
