#pragma once

#include <string>

namespace ordercast::app {

// Logs go to stderr, as plain text or one JSON object per line.
void setup_logging(const std::string& level, const std::string& format);

}  // namespace ordercast::app
