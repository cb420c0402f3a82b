#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt.hpp"
#include "auth/principal.hpp"
#include "metrics/catalog.hpp"
#include "util/histogram.hpp"

namespace ordercast::metrics {

using counter = std::atomic<std::uint64_t>;

// Close codes counted by name; anything else is counted as "other".
inline constexpr std::array<std::uint16_t, 13> tracked_close_codes = {
    1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011, 1013, 4001, 4002};

// Written only by one shard's thread (relaxed), read by the scraper. Its own cache lines,
// so shards never share one.
struct alignas(64) shard_stats {
    std::atomic<std::int64_t> connections_open{0};
    std::array<std::atomic<std::int64_t>, auth::role_count> connections_by_role{};
    counter messages_in{0};
    counter messages_out{0};
    counter slow_consumer_drops{0};
    counter publishes_held{0};  // answers held for the unwritten backlog (shard::after_flush)
    std::array<counter, tracked_close_codes.size() + 1> closes{};  // last: other

    void count_close(std::uint16_t code);
};

// HTTP status classes as metrics label them: 1xx to 5xx, "other" for anything else.
inline constexpr std::array<std::string_view, 6> status_classes = {"1xx", "2xx", "3xx",
                                                                   "4xx", "5xx", "other"};
inline std::size_t status_class(unsigned status) {
    return status >= 100 && status < 600 ? status / 100 - 1 : status_classes.size() - 1;
}

// One unlabelled metric (of metrics/catalog.hpp) in Prometheus text: HELP, TYPE, its value.
void write_metric(std::string& out, const metric& m, std::int64_t value);
// The same with a value that is not a whole number (seconds, bytes read as a double).
void write_real(std::string& out, const metric& m, double value);

// A histogram in Prometheus text: HELP and TYPE once (write_histogram_header), then each
// series with its labels ("route=\"/\"", or none): cumulative buckets, sum, count.
void write_histogram_header(std::string& out, const metric& m);
void write_histogram_series(std::string& out, const metric& m, std::string_view labels,
                            const util::histogram& h);
void write_histogram(std::string& out, const metric& m, const util::histogram& h);

// One metric with one label, a value per label value.
void write_labelled(std::string& out, const metric& m, std::string_view key,
                    std::initializer_list<std::pair<std::string_view, std::int64_t>> values);

// All the process's figures; renders Prometheus text.
class registry {
public:
    explicit registry(unsigned shards, std::string version = "");

    shard_stats& shard(unsigned i) { return *shards_[i]; }
    void count_auth_failure(auth::token_error e) {
        auth_failures_[static_cast<std::size_t>(e)].fetch_add(1, std::memory_order_relaxed);
    }
    void count_publish() { publishes_.fetch_add(1, std::memory_order_relaxed); }
    void count_http(unsigned status);

    std::string render(std::size_t rooms) const;
    // More figures from other parts (e.g. the Gulyash outbox), appended to every render.
    void add_section(std::function<void(std::string&)> section) {
        sections_.push_back(std::move(section));
    }

private:
    std::vector<std::unique_ptr<shard_stats>> shards_;
    std::array<counter, auth::token_error_count> auth_failures_{};
    counter publishes_{0};
    std::array<counter, status_classes.size()> http_by_class_{};
    std::vector<std::function<void(std::string&)>> sections_;
    std::string version_;
};

}  // namespace ordercast::metrics
