#include "app/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <optional>

#include "app/components.hpp"

namespace ordercast::app {

namespace {

// Every socket is a descriptor: take all the kernel allows this process.
void raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit wanted = limit;
        wanted.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &wanted) == 0) limit = wanted;
    }
    spdlog::info("open files limit {}", static_cast<std::uint64_t>(limit.rlim_cur));
}

}  // namespace

int serve(const config::config& cfg) {
    raise_file_limit();
    std::optional<components> server;
    try {
        server.emplace(cfg);
    } catch (const start_failure& e) {
        spdlog::error("{}", e.what());
        return e.exit_code;
    }
    server->run();
    server.reset();  // every part, in the reverse of the order it started in
    spdlog::info("ordercast stopped");
    return 0;
}

}  // namespace ordercast::app
