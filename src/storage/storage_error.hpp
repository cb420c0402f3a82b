#pragma once

#include <stdexcept>

namespace ordercast::storage {

// The database failed (unreachable, locked, disk full); the request cannot be served now.
struct storage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace ordercast::storage
