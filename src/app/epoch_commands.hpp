#pragma once

#include <string>
#include <vector>

namespace ordercast::app {

// `ordercast restore BACKUP [--database-url URL]`: puts a SQLite backup in place of the
// database (the server stopped) and gives the log a new epoch (docs/protocol.md §10).
int restore_command(const std::vector<std::string>& args);

// `ordercast log new-epoch [--database-url URL]`: gives the event log a new epoch — run it
// after restoring a PostgreSQL database, before starting the instances.
int log_command(const std::vector<std::string>& args);

}  // namespace ordercast::app
