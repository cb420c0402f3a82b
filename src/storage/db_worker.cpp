#include "storage/db_worker.hpp"

#include <spdlog/spdlog.h>

#include "storage/storage_error.hpp"

namespace ordercast::storage {

void db_worker::post(std::function<void(domain::repository&)> job) {
    worker_.post([this, job = std::move(job)] {
        try {
            job(*repo_);
            healthy_ = true;
        } catch (const storage_error& e) {
            healthy_ = false;
            spdlog::error("database: {}", e.what());
        }
    });
}

}  // namespace ordercast::storage
