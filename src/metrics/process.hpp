#pragma once

#include <string>

namespace ordercast::metrics {

// The process figures every Prometheus exporter gives (process_resident_memory_bytes,
// process_cpu_seconds_total, process_open_fds, ...), read from /proc at each scrape.
void write_process(std::string& out);

}  // namespace ordercast::metrics
