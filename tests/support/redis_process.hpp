#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include <string>
#include "support/free_port.hpp"
#include "support/read_until.hpp"

namespace ordercast::testing {

// A real redis-server (Debian's) on a free loopback port, stopped when destroyed; with a
// `password`, clients must AUTH (requirepass).
class redis_process {
public:
    explicit redis_process(const std::string& password = "") {
        port_ = free_port();
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], STDOUT_FILENO);
            const std::string port = std::to_string(port_);
            if (password.empty()) {
                execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind",
                       "127.0.0.1", "--save", "", "--appendonly", "no",
                       static_cast<char*>(nullptr));
            } else {
                execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind",
                       "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass",
                       password.c_str(), static_cast<char*>(nullptr));
            }
            _exit(127);
        }
        close(fds[1]);
        // Ready when it says so (bounded by 10 s).
        const std::string out =
            read_until(fds[0], "Ready to accept connections", std::chrono::seconds(10));
        close(fds[0]);
        if (out.find("Ready to accept connections") == std::string::npos) {
            stop();
            throw std::runtime_error("redis-server did not start: " + out);
        }
    }
    ~redis_process() { stop(); }
    redis_process(const redis_process&) = delete;
    redis_process& operator=(const redis_process&) = delete;

    int port() const { return port_; }

private:
    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace ordercast::testing
