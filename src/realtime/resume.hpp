#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ordercast::realtime {

// Where a reconnecting client says it stopped: `?since=N&epoch=E` (docs/protocol.md §10).
struct resume_position {
    std::string since;                 // as the client sent it
    std::optional<std::string> epoch;  // absent: the client does not check the epoch
};

// A socket that reconnected with `?since=N` (docs/protocol.md §10). A replay is read a page at
// a time, the next page only once the socket has sent most of the last one: a socket that
// does not read holds at most a page beyond its send queue, whatever it asked for.
struct resume_request {
    std::string since;                    // as the client sent it
    std::vector<std::string> rooms;       // the rooms it joined at connect
    std::size_t page_bytes = 256 * 1024;  // a page holds about this much, and one event at least
    // A later page of a replay under way: the events after `from` up to `up_to` (the head
    // the first page was planned against). 0: the first page.
    std::int64_t from = 0;
    std::int64_t up_to = 0;
};

struct resume_answer {
    enum class outcome : std::uint8_t {
        replayed,         // `events` are all it missed up to `head`
        history_expired,  // resync reasons (docs/protocol.md §10)
        too_many,
        unknown_position,
        unavailable,  // the log could not be read now: the client should retry later
    } result = outcome::unavailable;
    std::int64_t since = 0;  // N, when it parsed
    // The log's head when it was read: the replay covers every event up to it, whatever
    // this instance's live stream has reached (it may lag behind the database).
    std::int64_t head = 0;
    std::vector<std::string> events;  // this page's frames' JSON text, in id order
    std::int64_t last_id = 0;         // the id of the page's last event
    bool more = false;                // events after this page remain, up to `head`
};

// Events a page holds at most.
inline constexpr int replay_page_events = 64;

std::string_view resync_reason(resume_answer::outcome o);

// Serves resumes off the network threads.
class resumer {
public:
    virtual ~resumer() = default;
    // `done` runs once, on any thread.
    virtual void resume(resume_request r, std::function<void(resume_answer)> done) = 0;
};

}  // namespace ordercast::realtime
