#pragma once

#include <string_view>

// Every metric the server exposes at /metrics, defined here once: its name, its Prometheus
// type and its help text. The parts that count only say which one and how much
// (docs/operations.md, "Metrics", describes them for operators).
namespace ordercast::metrics {

struct metric {
    std::string_view name;
    std::string_view type;  // counter, gauge or histogram
    std::string_view help;
};

namespace catalog {
// Sockets and HTTP (metrics::registry).
inline constexpr metric connections_open{"ordercast_connections_open", "gauge",
                                         "Open WebSocket connections."};
inline constexpr metric connections_by_role{"ordercast_connections_by_role", "gauge",
                                            "Open authenticated WebSocket connections by role."};
inline constexpr metric rooms{"ordercast_rooms", "gauge", "Rooms with at least one member."};
inline constexpr metric messages_in{"ordercast_messages_in_total", "counter",
                                    "WebSocket messages received from clients."};
inline constexpr metric messages_out{"ordercast_messages_out_total", "counter",
                                     "WebSocket messages queued to clients."};
inline constexpr metric publishes{"ordercast_publishes_total", "counter", "Events published."};
inline constexpr metric auth_failures{"ordercast_auth_failures_total", "counter",
                                      "Refused tokens by reason."};
inline constexpr metric closes{"ordercast_closes_total", "counter",
                               "WebSocket connections closed, by close code."};
inline constexpr metric slow_consumer_drops{"ordercast_slow_consumer_drops_total", "counter",
                                            "Sockets closed because they could not keep up."};
inline constexpr metric publishes_held{
    "ordercast_publishes_held_total", "counter",
    "Publish answers a shard held until its unwritten backlog fell under its budget."};
inline constexpr metric http_responses{"ordercast_http_responses_total", "counter",
                                       "HTTP responses by status class."};
inline constexpr metric http_duration{
    "ordercast_http_request_duration_seconds", "histogram",
    "Time from a request read to its answer, by method, route (its pattern) and status class."};
inline constexpr metric build_info{"ordercast_build_info", "gauge",
                                   "Always 1; the version of this binary in its label."};

// The process (metrics::write_process), as every Prometheus exporter names them.
inline constexpr metric process_cpu_seconds{"process_cpu_seconds_total", "counter",
                                            "User and system CPU time spent in seconds."};
inline constexpr metric process_resident_memory{"process_resident_memory_bytes", "gauge",
                                                "Resident memory size in bytes."};
inline constexpr metric process_virtual_memory{"process_virtual_memory_bytes", "gauge",
                                               "Virtual memory size in bytes."};
inline constexpr metric process_start_time{
    "process_start_time_seconds", "gauge",
    "Start time of the process since the Unix epoch in seconds."};
inline constexpr metric process_open_fds{"process_open_fds", "gauge",
                                         "Number of open file descriptors."};
inline constexpr metric process_max_fds{"process_max_fds", "gauge",
                                        "Maximum number of open file descriptors."};

// The database threads (storage::db_worker).
inline constexpr metric db_queue_depth{"ordercast_db_queue_depth", "gauge",
                                       "Database jobs waiting for a database thread."};
inline constexpr metric db_job_wait{"ordercast_db_job_wait_seconds", "histogram",
                                    "Time a database job waited in the queue before it ran."};
inline constexpr metric db_job_run{"ordercast_db_job_run_seconds", "histogram",
                                   "Time a database job ran on its database thread."};

// The event log (eventlog::render).
inline constexpr metric event_log_head{
    "ordercast_event_log_head", "gauge",
    "Id of the last event this instance delivered to its sockets."};
inline constexpr metric events_logged{"ordercast_events_logged_total", "counter",
                                      "Events this instance wrote to the event log."};
inline constexpr metric events_pruned{"ordercast_events_pruned_total", "counter",
                                      "Events deleted from the log after the retention."};
inline constexpr metric replays{"ordercast_replays_total", "counter",
                                "Resumes (?since=) by outcome: served, or the resync reason."};
inline constexpr metric events_replayed{"ordercast_events_replayed_total", "counter",
                                        "Events sent to resuming sockets from the log."};
inline constexpr metric replay_page_events{
    "ordercast_replay_page_events", "histogram",
    "Events in each page of a served resume (a resume is one page unless it is long)."};
inline constexpr metric event_delivery{
    "ordercast_event_delivery_seconds", "histogram",
    "Time from an event's commit on this instance to its frames queued on every socket here."};
inline constexpr metric sequencer_held_back{
    "ordercast_sequencer_held_back_total", "counter",
    "Events that arrived before an earlier one and waited for it."};
inline constexpr metric sequencer_gap_fills{"ordercast_sequencer_gap_fills_total", "counter",
                                            "Reads of missing events from the log."};
inline constexpr metric sequencer_filled{"ordercast_sequencer_filled_total", "counter",
                                         "Events delivered from those reads."};
inline constexpr metric sequencer_skipped{
    "ordercast_sequencer_skipped_total", "counter",
    "Event ids given up on (pruned before they could be read)."};
inline constexpr metric sequencer_stale_heads{
    "ordercast_sequencer_stale_heads_total", "counter",
    "Polls of the log's head that found committed events the live feeds had not brought "
    "within a poll interval (then read from the log)."};

// The Gulyash sync (sync::render).
inline constexpr metric sync_pending{"ordercast_sync_pending", "gauge",
                                     "Outbox records waiting to reach Gulyash."};
inline constexpr metric sync_sent{"ordercast_sync_sent_total", "counter",
                                  "Changes delivered to Gulyash."};
inline constexpr metric sync_failed{
    "ordercast_sync_failed_total", "counter",
    "Changes given up after the last attempt (waiting for an admin)."};
inline constexpr metric sync_retries{"ordercast_sync_retries_total", "counter",
                                     "Failed attempts that will be retried."};
inline constexpr metric sync_delivery_ms_sum{
    "ordercast_sync_delivery_milliseconds_sum", "counter",
    "Time from a committed change to Gulyash accepting it, summed."};
inline constexpr metric sync_delivery_ms_count{"ordercast_sync_delivery_milliseconds_count",
                                               "counter", "Deliveries timed."};

// Presence, alerts and the broker (app::components).
inline constexpr metric staff_online{
    "ordercast_staff_online", "gauge",
    "Staff with a socket open on this instance (people, not sockets)."};
inline constexpr metric unattended_alerts{"ordercast_unattended_alerts_total", "counter",
                                          "order-unattended alerts this instance sent."};
inline constexpr metric broker_dropped{"ordercast_broker_dropped_total", "counter",
                                       "Messages read from Redis and dropped as invalid."};
}  // namespace catalog

}  // namespace ordercast::metrics
