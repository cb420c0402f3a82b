#include "eventlog/log_metrics.hpp"

#include "metrics/registry.hpp"

namespace ordercast::eventlog {

void render(std::string& out, const sequencer& order, const log_sink& sink,
            const replay_stats& replays, const storage::pruner& pruner) {
    auto v = [](const auto& a) {
        return static_cast<std::int64_t>(a.load(std::memory_order_relaxed));
    };
    const auto& seq = order.figures();
    metrics::write_metric(out, metrics::catalog::event_log_head, order.position());
    metrics::write_metric(out, metrics::catalog::events_logged,
                          static_cast<std::int64_t>(sink.logged()));
    metrics::write_metric(out, metrics::catalog::events_pruned,
                          static_cast<std::int64_t>(pruner.events_pruned()));
    metrics::write_labelled(out, metrics::catalog::replays, "result",
                            {{"served", v(replays.served)},
                             {"history-expired", v(replays.history_expired)},
                             {"too-many", v(replays.too_many)},
                             {"unknown-position", v(replays.unknown_position)},
                             {"unavailable", v(replays.unavailable)}});
    metrics::write_metric(out, metrics::catalog::events_replayed, v(replays.events));
    metrics::write_histogram(out, metrics::catalog::replay_page_events, replays.page_events);
    metrics::write_histogram(out, metrics::catalog::event_delivery, sink.delivery_times());
    metrics::write_metric(out, metrics::catalog::sequencer_held_back, v(seq.held_back));
    metrics::write_metric(out, metrics::catalog::sequencer_gap_fills, v(seq.gap_fills));
    metrics::write_metric(out, metrics::catalog::sequencer_filled, v(seq.filled));
    metrics::write_metric(out, metrics::catalog::sequencer_skipped, v(seq.skipped));
    metrics::write_metric(out, metrics::catalog::sequencer_stale_heads, v(seq.stale));
}

}  // namespace ordercast::eventlog
