#pragma once

#include <string>
#include <vector>

namespace ordercast::app {

// Says what is wrong with a command line on stderr; returns the exit code for it (2).
int fail(const std::string& message);

// `--database-url URL` among `args`, else DATABASE_URL, else the default.
std::string database_url(const std::vector<std::string>& args);

// Only `--database-url URL` pairs in `args` from `first` on.
bool only_database_url(const std::vector<std::string>& args, std::size_t first);

// `ordercast backup PATH [--database-url URL]`: a consistent copy of a SQLite database,
// taken while the server runs.
int backup_command(const std::vector<std::string>& args);

// `ordercast migrate [--database-url URL]`: creates the database or brings its schema up
// to date, then prints the schema version.
int migrate_command(const std::vector<std::string>& args);

// `ordercast user add --login L --role R [--city-id C]... [--database-url URL]`: adds a
// staff account; the password is read from standard input (one line).
int user_command(const std::vector<std::string>& args);

}  // namespace ordercast::app
