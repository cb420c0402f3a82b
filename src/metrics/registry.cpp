#include "metrics/registry.hpp"

#include <algorithm>

namespace ordercast::metrics {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

void line(std::string& out, std::string_view name, std::string_view labels, std::int64_t value) {
    out.append(name);
    if (!labels.empty()) out.append("{").append(labels).append("}");
    out.append(" ").append(std::to_string(value)).append("\n");
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

std::string label(std::string_view key, std::string_view value) {
    std::string text(key);
    text.append("=\"").append(value).append("\"");
    return text;
}

}  // namespace

void write_metric(std::string& out, std::string_view name, std::string_view type,
                  std::string_view help, std::int64_t value) {
    header(out, name, type, help);
    line(out, name, "", value);
}

void write_labelled(std::string& out, std::string_view name, std::string_view type,
                    std::string_view help, std::string_view key,
                    std::initializer_list<std::pair<std::string_view, std::int64_t>> values) {
    header(out, name, type, help);
    for (const auto& [value_label, value] : values) line(out, name, label(key, value_label), value);
}

void shard_stats::count_close(std::uint16_t code) {
    auto it = std::find(tracked_close_codes.begin(), tracked_close_codes.end(), code);
    closes[static_cast<std::size_t>(it - tracked_close_codes.begin())].fetch_add(1, relaxed);
}

registry::registry(unsigned shards) {
    for (unsigned i = 0; i < shards; ++i) shards_.push_back(std::make_unique<shard_stats>());
}

void registry::count_http(unsigned status) {
    std::size_t cls = status >= 100 && status < 600 ? status / 100 - 1 : 5;
    http_by_class_[cls].fetch_add(1, relaxed);
}

std::string registry::render(std::size_t rooms) const {
    std::int64_t open = 0, in = 0, out_msgs = 0, slow = 0;
    std::array<std::int64_t, auth::role_count> by_role{};
    std::array<std::int64_t, tracked_close_codes.size() + 1> closes{};
    for (const auto& s : shards_) {
        open += s->connections_open.load(relaxed);
        in += static_cast<std::int64_t>(s->messages_in.load(relaxed));
        out_msgs += static_cast<std::int64_t>(s->messages_out.load(relaxed));
        slow += static_cast<std::int64_t>(s->slow_consumer_drops.load(relaxed));
        for (std::size_t r = 0; r < by_role.size(); ++r)
            by_role[r] += s->connections_by_role[r].load(relaxed);
        for (std::size_t c = 0; c < closes.size(); ++c)
            closes[c] += static_cast<std::int64_t>(s->closes[c].load(relaxed));
    }

    std::string out;
    header(out, "ordercast_connections_open", "gauge", "Open WebSocket connections.");
    line(out, "ordercast_connections_open", "", open);
    header(out, "ordercast_connections_by_role", "gauge",
           "Open authenticated WebSocket connections by role.");
    for (int r = 0; r < auth::role_count; ++r) {
        line(out, "ordercast_connections_by_role",
             label("role", auth::to_string(static_cast<auth::role>(r))),
             by_role[static_cast<std::size_t>(r)]);
    }
    header(out, "ordercast_rooms", "gauge", "Rooms with at least one member.");
    line(out, "ordercast_rooms", "", static_cast<std::int64_t>(rooms));
    header(out, "ordercast_messages_in_total", "counter",
           "WebSocket messages received from clients.");
    line(out, "ordercast_messages_in_total", "", in);
    header(out, "ordercast_messages_out_total", "counter", "WebSocket messages queued to clients.");
    line(out, "ordercast_messages_out_total", "", out_msgs);
    header(out, "ordercast_publishes_total", "counter", "Events published.");
    line(out, "ordercast_publishes_total", "", static_cast<std::int64_t>(publishes_.load(relaxed)));
    header(out, "ordercast_auth_failures_total", "counter", "Refused tokens by reason.");
    for (int e = 0; e < auth::token_error_count; ++e) {
        line(out, "ordercast_auth_failures_total",
             label("reason", auth::to_string(static_cast<auth::token_error>(e))),
             static_cast<std::int64_t>(auth_failures_[static_cast<std::size_t>(e)].load(relaxed)));
    }
    header(out, "ordercast_closes_total", "counter",
           "WebSocket connections closed, by close code.");
    for (std::size_t c = 0; c < closes.size(); ++c) {
        std::string code =
            c + 1 == closes.size() ? "other" : std::to_string(tracked_close_codes[c]);
        line(out, "ordercast_closes_total", label("code", code), closes[c]);
    }
    header(out, "ordercast_slow_consumer_drops_total", "counter",
           "Sockets closed because they could not keep up.");
    line(out, "ordercast_slow_consumer_drops_total", "", slow);
    header(out, "ordercast_http_responses_total", "counter", "HTTP responses by status class.");
    static const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    for (std::size_t c = 0; c < http_by_class_.size(); ++c) {
        line(out, "ordercast_http_responses_total", label("class", classes[c]),
             static_cast<std::int64_t>(http_by_class_[c].load(relaxed)));
    }
    for (const auto& section : sections_) section(out);
    return out;
}

}  // namespace ordercast::metrics
