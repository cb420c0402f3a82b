#include "storage/db_worker.hpp"

#include <spdlog/spdlog.h>

#include "storage/storage_error.hpp"

namespace ordercast::storage {

db_worker::db_worker(const factory& open, limits l) : limits_(l) {
    std::vector<std::unique_ptr<domain::repository>> repos;
    for (unsigned i = 0; i < std::max(1u, l.connections); ++i) repos.push_back(open());
    probe_repo_ = open();
    start(std::move(repos));
    threads_.emplace_back([this] { probe(); });
}

db_worker::db_worker(std::unique_ptr<domain::repository> repo) {
    std::vector<std::unique_ptr<domain::repository>> repos;
    repos.push_back(std::move(repo));
    start(std::move(repos));
}

void db_worker::start(std::vector<std::unique_ptr<domain::repository>> repos) {
    repos_ = std::move(repos);
    for (auto& r : repos_) threads_.emplace_back([this, repo = r.get()] { run(*repo); });
}

db_worker::~db_worker() {
    stop();
}

void db_worker::post(job work, refusal refused) {
    {
        std::lock_guard guard(lock_);
        if (!stopping_ && queue_.size() < limits_.max_queued) {
            queue_.push_back(
                {std::move(work), std::move(refused), std::chrono::steady_clock::now()});
            wake_.notify_one();
            return;
        }
    }
    if (refused) refusals_.post(std::move(refused));
}

void db_worker::stop() {
    std::deque<pending> dropped;
    {
        std::lock_guard guard(lock_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        dropped.swap(queue_);
    }
    wake_.notify_all();
    probe_wake_.notify_all();
    for (auto& r : repos_) r->cancel();
    if (probe_repo_) probe_repo_->cancel();
    for (auto& p : dropped) {
        if (p.refused) refusals_.post(std::move(p.refused));
    }
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

std::size_t db_worker::queued() const {
    std::lock_guard guard(lock_);
    return queue_.size();
}

void db_worker::run(domain::repository& repo) {
    for (;;) {
        pending next;
        {
            std::unique_lock guard(lock_);
            wake_.wait(guard, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            next = std::move(queue_.front());
            queue_.pop_front();
        }
        const auto started = std::chrono::steady_clock::now();
        wait_.observe(std::chrono::duration<double>(started - next.queued).count());
        if (started - next.queued > limits_.max_wait) {
            // Its caller has given up on it by now, or will be glad of a quick answer.
            if (next.refused) next.refused();
            continue;
        }
        // Nothing a job throws may end the thread, or the process.
        struct timed {
            util::histogram& h;
            std::chrono::steady_clock::time_point from;
            ~timed() {
                h.observe(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count());
            }
        } timing{run_, started};
        try {
            next.work(repo);
            if (!probe_repo_) healthy_ = true;
        } catch (const storage_error& e) {
            if (!probe_repo_) healthy_ = false;
            spdlog::error("database: {}", e.what());
        } catch (const std::exception& e) {
            spdlog::error("database job failed: {}", e.what());
        }
    }
}

void db_worker::probe() {
    for (;;) {
        const bool ok = probe_repo_->healthy();
        if (ok != healthy_.exchange(ok)) {
            if (ok) {
                spdlog::info("database: answering again");
            } else {
                spdlog::warn("database: not answering");
            }
        }
        std::unique_lock guard(lock_);
        if (probe_wake_.wait_for(guard, limits_.probe_every, [this] { return stopping_; })) return;
    }
}

}  // namespace ordercast::storage
