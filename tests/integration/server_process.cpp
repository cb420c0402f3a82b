#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "auth/jwt.hpp"
#include "support/read_until.hpp"
#include "util/clock.hpp"

namespace ordercast::testing {

server_process::server_process(std::vector<std::string> args,
                               std::map<std::string, std::string> env) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    env.emplace("JWT_SECRET", secret);
    // A database of its own, removed with the process's temporary folder.
    char dir_template[] = "/tmp/ordercast-test-XXXXXX";
    data_dir_ = mkdtemp(dir_template);
    env.emplace("DATABASE_URL", "sqlite://" + data_dir_ + "/ordercast.db");
    env.emplace("LOG_LEVEL", "info");
    args.insert(args.begin(), {ORDERCAST_BIN, "--port", "0", "--host", "127.0.0.1"});
    pid_ = fork();
    if (pid_ == 0) {
        dup2(fds[1], STDERR_FILENO);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(fds[1]);
    log_fd_ = fds[0];

    // Read the log until the server says where it listens (bounded by 10 s).
    constexpr std::string_view marker = "listening on 127.0.0.1:";
    std::string seen = read_until(log_fd_, marker, std::chrono::seconds(10));
    if (auto at = seen.find(marker); at != std::string::npos) {
        port_ = static_cast<std::uint16_t>(std::stoi(seen.substr(at + marker.size())));
    }
    log_ = seen;
    if (port_ == 0) {
        stop(SIGKILL);
        throw std::runtime_error("server did not start: " + seen);
    }
    drain_ = std::thread([this] {
        char buf[4096];
        ssize_t n;
        while ((n = read(log_fd_, buf, sizeof buf)) > 0) {
            std::lock_guard lock(log_lock_);
            log_.append(buf, static_cast<std::size_t>(n));
        }
    });
}

server_process::~server_process() {
    stop(SIGTERM);
    if (drain_.joinable()) drain_.join();
    if (log_fd_ >= 0) close(log_fd_);
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
}

int server_process::stop(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    for (int i = 0; i < 1000; ++i) {  // up to 10 s
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        usleep(10'000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
}

std::string server_process::log() {
    std::lock_guard lock(log_lock_);
    return log_;
}

long server_process::status_kib(const std::string& field) const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
    }
    return -1;
}

void server_process::reset_peak_rss() const {
    // Linux: writing 5 to clear_refs resets the peak resident size to the current one.
    std::ofstream("/proc/" + std::to_string(pid_) + "/clear_refs") << "5";
}

std::string server_process::token(std::int64_t user_id, const std::string& role,
                                  std::vector<std::int64_t> cities, std::int64_t ttl_s) const {
    auth::principal p;
    p.user_id = user_id;
    p.who = *auth::parse_role(role);
    p.city_ids = std::move(cities);
    auto now = util::unix_seconds();
    p.expires_at = now + ttl_s;
    return auth::sign_hs256(p, secret, now);
}

}  // namespace ordercast::testing
