#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ordercast::testing {

// The real ordercast binary, started on a free port with a test secret; stopped (SIGTERM,
// then SIGKILL after a bound) when destroyed.
class server_process {
public:
    static constexpr const char* secret = "integration-test-secret-0123456789abcdef";

    explicit server_process(std::vector<std::string> args = {},
                            std::map<std::string, std::string> env = {});
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    // Sends `signal` and waits (bounded) for the exit status; -1 when it had to be killed.
    int stop(int signal);
    std::string log();
    // Resident memory of the server, in KiB, now and at its peak since reset_peak_rss().
    long rss_kib() const { return status_kib("VmRSS:"); }
    long peak_rss_kib() const { return status_kib("VmHWM:"); }
    void reset_peak_rss() const;

    std::string token(std::int64_t user_id, const std::string& role,
                      std::vector<std::int64_t> cities = {}, std::int64_t ttl_s = 3600) const;

private:
    long status_kib(const std::string& field) const;

    std::string data_dir_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    int log_fd_ = -1;
    std::thread drain_;
    std::mutex log_lock_;
    std::string log_;
};

}  // namespace ordercast::testing
