#pragma once

#include <string>
#include <vector>

namespace ordercast::app {

// `ordercast token --user-id N --role R [--city-id C]... [--ttl SECONDS] [--jwt-secret S]`:
// prints a signed token. Returns the exit code.
int token_command(const std::vector<std::string>& args);

}  // namespace ordercast::app
