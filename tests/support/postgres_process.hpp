#pragma once

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/free_port.hpp"
#include "support/read_until.hpp"
#include "support/temp_dir.hpp"

namespace ordercast::testing {

// A real PostgreSQL 15 (Debian's), initdb'd into a temporary folder and listening on a
// free loopback port; as root it runs as the `postgres` user. Stopped and removed when
// destroyed.
class postgres_process {
public:
    postgres_process() {
        dir_ = make_temp_dir();
        const std::string bin = "/usr/lib/postgresql/15/bin/";
        if (geteuid() == 0) {
            passwd* pg = getpwnam("postgres");
            if (!pg) throw std::runtime_error("no postgres user");
            std::filesystem::permissions(dir_, std::filesystem::perms::all);
            if (chown(dir_.c_str(), pg->pw_uid, pg->pw_gid) != 0)
                throw std::runtime_error("chown failed");
        }
        const std::string data = (dir_ / "data").string();
        if (run({bin + "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"}) != 0) {
            throw std::runtime_error("initdb failed");
        }
        port_ = free_port();
        start(bin + "postgres", data);
    }
    ~postgres_process() {
        if (pid_ > 0) {
            kill(pid_, SIGQUIT);  // immediate shutdown: the data is thrown away anyway
            waitpid(pid_, nullptr, 0);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    postgres_process(const postgres_process&) = delete;
    postgres_process& operator=(const postgres_process&) = delete;

    // A new, empty database on this server.
    std::string new_database() {
        static std::atomic<int> n{0};
        const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++n);
        PGconn* c = PQconnectdb(url("postgres").c_str());
        PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        PQfinish(c);
        if (!ok) throw std::runtime_error("CREATE DATABASE failed");
        return url(name);
    }

    std::string url(const std::string& db) const {
        return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
    }

private:
    // PostgreSQL refuses to run as root: the child becomes `postgres` itself (no wrapper
    // in between, so signals reach the server).
    static pid_t spawn(std::vector<std::string> argv, int out_fd) {
        passwd* pg = geteuid() == 0 ? getpwnam("postgres") : nullptr;
        pid_t pid = fork();
        if (pid == 0) {
            if (pg && (setgid(pg->pw_gid) != 0 || setuid(pg->pw_uid) != 0)) _exit(126);
            if (out_fd >= 0) {
                dup2(out_fd, STDOUT_FILENO);
                dup2(out_fd, STDERR_FILENO);
            } else {
                int null = open("/dev/null", O_WRONLY);
                dup2(null, STDOUT_FILENO);
                dup2(null, STDERR_FILENO);
            }
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            execvp(args[0], args.data());
            _exit(127);
        }
        return pid;
    }
    static int run(std::vector<std::string> argv) {
        pid_t pid = spawn(std::move(argv), -1);
        int status = 0;
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    void start(const std::string& postgres, const std::string& data) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_ =
            spawn({postgres, "-D", data, "-p", std::to_string(port_), "-k", dir_.string(), "-c",
                   "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off"},
                  fds[1]);
        close(fds[1]);
        // Ready when it says so (bounded by 30 s).
        const std::string out =
            read_until(fds[0], "ready to accept connections", std::chrono::seconds(30));
        close(fds[0]);
        if (out.find("ready to accept connections") == std::string::npos) {
            throw std::runtime_error("postgres did not start: " + out);
        }
    }

    std::filesystem::path dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace ordercast::testing
