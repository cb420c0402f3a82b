#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "util/guarded.hpp"

namespace ordercast::util {

// A thread that runs `round` every `every` until destroyed (a round under way finishes
// first). For background work that polls the database: pruning, alerts.
class periodic {
public:
    periodic(std::string name, std::chrono::milliseconds every, std::function<void()> round)
        : round_(std::move(round)), thread_([this, name = std::move(name), every] {
              run_guarded(name, [this, every] {
                  std::unique_lock lock(lock_);
                  while (!wake_.wait_for(lock, every, [this] { return stopping_; })) {
                      lock.unlock();
                      round_();
                      lock.lock();
                  }
              });
          }) {}
    ~periodic() {
        {
            std::lock_guard guard(lock_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    periodic(const periodic&) = delete;
    periodic& operator=(const periodic&) = delete;

    // For a long round: whether it should stop early.
    bool stopping() {
        std::lock_guard guard(lock_);
        return stopping_;
    }

private:
    std::function<void()> round_;
    std::mutex lock_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace ordercast::util
