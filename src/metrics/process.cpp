#include "metrics/process.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "metrics/registry.hpp"

namespace ordercast::metrics {
namespace {

// The fields of /proc/self/stat after the command name (which may hold spaces): [0] is the
// state, field N of proc(5) is at [N - 3].
std::vector<std::string> stat_fields() {
    std::ifstream in("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> fields;
    const auto close = text.rfind(')');
    if (close == std::string::npos) return fields;
    std::istringstream rest(text.substr(close + 2));
    for (std::string f; rest >> f;) fields.push_back(f);
    return fields;
}

double field(const std::vector<std::string>& fields, std::size_t n) {
    return n - 3 < fields.size() ? std::stod(fields[n - 3]) : 0;
}

// The system's boot time (btime of /proc/stat), seconds since the epoch.
double boot_time() {
    std::ifstream in("/proc/stat");
    for (std::string key; in >> key;) {
        if (key == "btime") {
            double t = 0;
            in >> t;
            return t;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

std::int64_t open_fds() {
    std::int64_t n = 0;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (auto* entry = readdir(dir)) n += entry->d_name[0] != '.';
        closedir(dir);
        --n;  // the directory's own descriptor
    }
    return n;
}

}  // namespace

void write_process(std::string& out) {
    const auto fields = stat_fields();
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    write_real(out, catalog::process_cpu_seconds, (field(fields, 14) + field(fields, 15)) / ticks);
    write_real(out, catalog::process_resident_memory, field(fields, 24) * page);
    write_real(out, catalog::process_virtual_memory, field(fields, 23));
    write_real(out, catalog::process_start_time, boot_time() + field(fields, 22) / ticks);
    write_metric(out, catalog::process_open_fds, open_fds());
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    write_metric(out, catalog::process_max_fds, static_cast<std::int64_t>(limit.rlim_cur));
}

}  // namespace ordercast::metrics
