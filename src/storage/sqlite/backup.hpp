#pragma once

#include <string>

namespace ordercast::storage::sqlite {

// Copies the SQLite database at `source` into a new file `destination` with SQLite's online
// backup API: one consistent snapshot, taken while the server keeps writing (WAL readers do
// not block writers). Refuses to overwrite an existing file. Throws storage_error.
void backup(const std::string& source, const std::string& destination);

}  // namespace ordercast::storage::sqlite
