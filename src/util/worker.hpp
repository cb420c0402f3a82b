#pragma once

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace ordercast::util {

// One thread running posted jobs in order, for work that must not run on a network
// thread (database calls, password hashing). Destruction finishes the queued jobs.
class worker {
public:
    worker() : thread_([this] { run(); }) {}
    ~worker() {
        {
            std::lock_guard guard(lock_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    void post(std::function<void()> job) {
        {
            std::lock_guard guard(lock_);
            jobs_.push_back(std::move(job));
        }
        wake_.notify_one();
    }

    // Like post, unless `max_queued` jobs already wait: then false, and nothing is queued.
    bool try_post(std::function<void()> job, std::size_t max_queued) {
        {
            std::lock_guard guard(lock_);
            if (jobs_.size() >= max_queued) return false;
            jobs_.push_back(std::move(job));
        }
        wake_.notify_one();
        return true;
    }

private:
    void run() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock guard(lock_);
                wake_.wait(guard, [this] { return stopping_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            // A job that throws must not end the process or stop the jobs behind it.
            try {
                job();
            } catch (const std::exception& e) {
                spdlog::error("worker: a job failed: {}", e.what());
            } catch (...) {
                spdlog::error("worker: a job failed with an unknown exception");
            }
        }
    }

    std::mutex lock_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace ordercast::util
