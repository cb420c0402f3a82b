#include "eventlog/log_metrics.hpp"

#include "metrics/registry.hpp"

namespace ordercast::eventlog {

void render(std::string& out, const sequencer& order, const log_sink& sink,
            const replay_stats& replays, const storage::pruner& pruner) {
    auto v = [](const auto& a) {
        return static_cast<std::int64_t>(a.load(std::memory_order_relaxed));
    };
    const auto& seq = order.figures();
    metrics::write_metric(out, "ordercast_event_log_head", "gauge",
                          "Id of the last event this instance delivered to its sockets.",
                          order.position());
    metrics::write_metric(out, "ordercast_events_logged_total", "counter",
                          "Events this instance wrote to the event log.",
                          static_cast<std::int64_t>(sink.logged()));
    metrics::write_metric(out, "ordercast_events_pruned_total", "counter",
                          "Events deleted from the log after the retention.",
                          static_cast<std::int64_t>(pruner.events_pruned()));
    metrics::write_labelled(out, "ordercast_replays_total", "counter",
                            "Resumes (?since=) by outcome: served, or the resync reason.", "result",
                            {{"served", v(replays.served)},
                             {"history-expired", v(replays.history_expired)},
                             {"too-many", v(replays.too_many)},
                             {"unknown-position", v(replays.unknown_position)},
                             {"unavailable", v(replays.unavailable)}});
    metrics::write_metric(out, "ordercast_events_replayed_total", "counter",
                          "Events sent to resuming sockets from the log.", v(replays.events));
    metrics::write_metric(out, "ordercast_sequencer_held_back_total", "counter",
                          "Events that arrived before an earlier one and waited for it.",
                          v(seq.held_back));
    metrics::write_metric(out, "ordercast_sequencer_gap_fills_total", "counter",
                          "Reads of missing events from the log.", v(seq.gap_fills));
    metrics::write_metric(out, "ordercast_sequencer_filled_total", "counter",
                          "Events delivered from those reads.", v(seq.filled));
    metrics::write_metric(out, "ordercast_sequencer_skipped_total", "counter",
                          "Event ids given up on (pruned before they could be read).",
                          v(seq.skipped));
    metrics::write_metric(out, "ordercast_sequencer_stale_heads_total", "counter",
                          "Polls of the log's head that found committed events the live feeds "
                          "had not brought within a poll interval (then read from the log).",
                          v(seq.stale));
}

}  // namespace ordercast::eventlog
