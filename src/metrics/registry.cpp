#include "metrics/registry.hpp"

#include <algorithm>
#include <charconv>

#include "metrics/process.hpp"

namespace ordercast::metrics {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

void line(std::string& out, std::string_view name, std::string_view labels, std::int64_t value) {
    out.append(name);
    if (!labels.empty()) out.append("{").append(labels).append("}");
    out.append(" ").append(std::to_string(value)).append("\n");
}

void header(std::string& out, const metric& m) {
    out.append("# HELP ").append(m.name).append(" ").append(m.help).append("\n");
    out.append("# TYPE ").append(m.name).append(" ").append(m.type).append("\n");
}

std::string label(std::string_view key, std::string_view value) {
    std::string text(key);
    text.append("=\"").append(value).append("\"");
    return text;
}

// The shortest text that reads back as `v` ("0.0005", "1", "2.5").
std::string number(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return ec == std::errc{} ? std::string(buf, end) : "NaN";
}

}  // namespace

void write_histogram_header(std::string& out, const metric& m) {
    header(out, m);
}

void write_histogram_series(std::string& out, const metric& m, std::string_view labels,
                            const util::histogram& h) {
    const std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
    const std::string bucket = std::string(m.name) + "_bucket";
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < h.bounds().size(); ++i) {
        total += h.in_bucket(i);
        line(out, bucket, prefix + label("le", number(h.bounds()[i])),
             static_cast<std::int64_t>(total));
    }
    total += h.in_bucket(h.bounds().size());
    line(out, bucket, prefix + label("le", "+Inf"), static_cast<std::int64_t>(total));
    out.append(m.name).append("_sum");
    if (!labels.empty()) out.append("{").append(labels).append("}");
    out.append(" ").append(number(h.sum())).append("\n");
    line(out, std::string(m.name) + "_count", labels, static_cast<std::int64_t>(total));
}

void write_histogram(std::string& out, const metric& m, const util::histogram& h) {
    write_histogram_header(out, m);
    write_histogram_series(out, m, "", h);
}

void write_metric(std::string& out, const metric& m, std::int64_t value) {
    header(out, m);
    line(out, m.name, "", value);
}

void write_real(std::string& out, const metric& m, double value) {
    header(out, m);
    out.append(m.name).append(" ").append(number(value)).append("\n");
}

void write_labelled(std::string& out, const metric& m, std::string_view key,
                    std::initializer_list<std::pair<std::string_view, std::int64_t>> values) {
    header(out, m);
    for (const auto& [value_label, value] : values)
        line(out, m.name, label(key, value_label), value);
}

void shard_stats::count_close(std::uint16_t code) {
    auto it = std::find(tracked_close_codes.begin(), tracked_close_codes.end(), code);
    closes[static_cast<std::size_t>(it - tracked_close_codes.begin())].fetch_add(1, relaxed);
}

registry::registry(unsigned shards, std::string version) : version_(std::move(version)) {
    for (unsigned i = 0; i < shards; ++i) shards_.push_back(std::make_unique<shard_stats>());
}

void registry::count_http(unsigned status) {
    http_by_class_[status_class(status)].fetch_add(1, relaxed);
}

std::string registry::render(std::size_t rooms) const {
    std::int64_t open = 0, in = 0, out_msgs = 0, slow = 0, held = 0;
    std::array<std::int64_t, auth::role_count> by_role{};
    std::array<std::int64_t, tracked_close_codes.size() + 1> closes{};
    for (const auto& s : shards_) {
        open += s->connections_open.load(relaxed);
        in += static_cast<std::int64_t>(s->messages_in.load(relaxed));
        out_msgs += static_cast<std::int64_t>(s->messages_out.load(relaxed));
        slow += static_cast<std::int64_t>(s->slow_consumer_drops.load(relaxed));
        held += static_cast<std::int64_t>(s->publishes_held.load(relaxed));
        for (std::size_t r = 0; r < by_role.size(); ++r)
            by_role[r] += s->connections_by_role[r].load(relaxed);
        for (std::size_t c = 0; c < closes.size(); ++c)
            closes[c] += static_cast<std::int64_t>(s->closes[c].load(relaxed));
    }

    std::string out;
    header(out, catalog::connections_open);
    line(out, catalog::connections_open.name, "", open);
    header(out, catalog::connections_by_role);
    for (int r = 0; r < auth::role_count; ++r) {
        line(out, catalog::connections_by_role.name,
             label("role", auth::to_string(static_cast<auth::role>(r))),
             by_role[static_cast<std::size_t>(r)]);
    }
    header(out, catalog::rooms);
    line(out, catalog::rooms.name, "", static_cast<std::int64_t>(rooms));
    header(out, catalog::messages_in);
    line(out, catalog::messages_in.name, "", in);
    header(out, catalog::messages_out);
    line(out, catalog::messages_out.name, "", out_msgs);
    header(out, catalog::publishes);
    line(out, catalog::publishes.name, "", static_cast<std::int64_t>(publishes_.load(relaxed)));
    header(out, catalog::auth_failures);
    for (int e = 0; e < auth::token_error_count; ++e) {
        line(out, catalog::auth_failures.name,
             label("reason", auth::to_string(static_cast<auth::token_error>(e))),
             static_cast<std::int64_t>(auth_failures_[static_cast<std::size_t>(e)].load(relaxed)));
    }
    header(out, catalog::closes);
    for (std::size_t c = 0; c < closes.size(); ++c) {
        std::string code =
            c + 1 == closes.size() ? "other" : std::to_string(tracked_close_codes[c]);
        line(out, catalog::closes.name, label("code", code), closes[c]);
    }
    header(out, catalog::slow_consumer_drops);
    line(out, catalog::slow_consumer_drops.name, "", slow);
    header(out, catalog::publishes_held);
    line(out, catalog::publishes_held.name, "", held);
    header(out, catalog::http_responses);
    for (std::size_t c = 0; c < http_by_class_.size(); ++c) {
        line(out, catalog::http_responses.name, label("class", status_classes[c]),
             static_cast<std::int64_t>(http_by_class_[c].load(relaxed)));
    }
    header(out, catalog::build_info);
    line(out, catalog::build_info.name, label("version", version_), 1);
    write_process(out);
    for (const auto& section : sections_) section(out);
    return out;
}

}  // namespace ordercast::metrics
