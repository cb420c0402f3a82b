#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "realtime/frame.hpp"
#include "util/small_vector.hpp"

namespace ordercast::realtime {

class hub;

// Something that can be in rooms and receive frames: a WebSocket session.
class subscriber {
public:
    // Takes its own reference to `f` if it keeps it; false when it did not queue it (the
    // socket is closing, is closed now as a slow consumer, or had the event already).
    // `event_id` is the event's position in the log (0: not an event).
    virtual bool push(out_frame* f, std::int64_t event_id) = 0;

    std::size_t room_count() const { return rooms_.size(); }

protected:
    subscriber() = default;
    ~subscriber() = default;

private:
    friend class hub;
    struct membership {
        struct room* where;
        std::uint32_t index;  // position in the room's member list
    };
    std::uint64_t last_delivery_ = 0;  // dedups an event sent to several of its rooms
    // A customer's socket is in one room: held inline, not in an allocation of its own.
    util::small_vector<membership, 1> rooms_;
};

struct room {
    const std::string* name;
    // Most rooms are one customer's (user-{id}) with one socket: held inline.
    util::small_vector<subscriber*, 1> members;
};

// One shard's room index: room name -> members. Single-threaded: only its shard's thread
// touches it, so delivery takes no lock.
class hub {
public:
    enum class join_result : std::uint8_t { joined, already_member, too_many_rooms };

    join_result join(subscriber& s, std::string_view name, std::size_t max_rooms);
    // False when `s` was not a member.
    bool leave(subscriber& s, std::string_view name);
    void leave_all(subscriber& s);

    // Pushes `f` (event `event_id`) once to every member of any of `rooms`; returns how many
    // queued it.
    std::size_t deliver(std::span<const std::string> rooms, out_frame* f, std::int64_t event_id);

    std::size_t room_count() const { return rooms_.size(); }
    template <typename F>
    void for_each_room(F&& f) const {
        for (const auto& [name, r] : rooms_) f(name, r.members.size());
    }

private:
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    void remove_member(room& r, std::uint32_t index);

    std::unordered_map<std::string, room, string_hash, std::equal_to<>> rooms_;
    std::uint64_t delivery_seq_ = 0;
};

}  // namespace ordercast::realtime
