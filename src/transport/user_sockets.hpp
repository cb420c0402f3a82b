#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "util/small_vector.hpp"

namespace ordercast::transport {

class shard;

// The open sockets of each user on this instance, across shards, oldest first: one user
// may hold at most `max_per_user`; a new socket past that makes the oldest give way (a
// phone that changed networks leaves a dead socket behind, and the new one is the one the
// person is looking at). Thread-safe.
class user_sockets {
public:
    struct socket_ref {
        shard* where = nullptr;
        std::uint64_t serial = 0;  // the session's, unique in the process
    };

    explicit user_sockets(std::uint32_t max_per_user) : max_(max_per_user) {}

    // Records `s` for `user`; returns the sockets that must now be closed.
    std::vector<socket_ref> add(std::int64_t user, socket_ref s);
    void remove(std::int64_t user, std::uint64_t serial);

private:
    std::uint32_t max_;
    std::mutex lock_;
    // A small vector per user (at most max_per_user + 1 entries), the first inline: most
    // users have one socket (a deque would cost a 512-byte block for every connected user).
    std::unordered_map<std::int64_t, util::small_vector<socket_ref, 1>> by_user_;
};

}  // namespace ordercast::transport
