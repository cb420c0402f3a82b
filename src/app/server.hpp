#pragma once

#include "config/config.hpp"

namespace ordercast::app {

// Starts every part in order, serves until SIGTERM/SIGINT, stops them in reverse.
// Returns the process exit code.
int serve(const config::config& cfg);

}  // namespace ordercast::app
