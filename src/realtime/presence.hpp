#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/principal.hpp"

namespace ordercast::realtime {

// Who of the staff has a socket open on this instance (docs/protocol.md §11): people, not
// sockets — a manager with a phone and a laptop counts once. A person is a (user id, role):
// a customer's socket that carries a manager's id is not that manager. Kept up to date as
// sockets open, close and change cities, never by scanning sockets. Thread-safe.
class presence {
public:
    struct person {
        std::int64_t user_id = 0;
        auth::role role = auth::role::user;
        std::vector<std::int64_t> cities;  // a manager's
        std::uint32_t sockets = 0;
    };
    // Staff online by role (admin, ceo, manager) and managers online by city.
    struct counts {
        std::int64_t admin = 0, ceo = 0, manager = 0;
        std::map<std::int64_t, std::int64_t> managers_by_city;
    };

    // The key of a person in the maps below.
    static std::int64_t key_of(std::int64_t user_id, auth::role role) {
        return user_id * auth::role_count + static_cast<std::int64_t>(role);
    }

    void opened(std::int64_t user_id, auth::role role, const std::vector<std::int64_t>& cities);
    void closed(std::int64_t user_id, auth::role role);
    // A manager's cities changed (every socket of theirs moves).
    void moved(std::int64_t user_id, const std::vector<std::int64_t>& cities);

    // The staff online here, each once, by key_of.
    std::unordered_map<std::int64_t, person> staff() const;
    // Counts over `people` (this instance's, or several instances' merged); with `only`,
    // managers count only when they manage one of those cities (what a manager may see).
    static counts count(const std::unordered_map<std::int64_t, person>& people,
                        const std::vector<std::int64_t>* only = nullptr);

    // `userId:role:city,city;...`: how an instance tells the others whom it has (Redis).
    static std::string encode(const std::unordered_map<std::int64_t, person>& people);
    // Anyone who reaches Redis can publish: checked like client input, or nothing.
    static std::optional<std::unordered_map<std::int64_t, person>> decode(std::string_view text);

private:
    mutable std::mutex lock_;
    std::unordered_map<std::int64_t, person> people_;  // staff only; customers are not counted
};

// This instance's staff and what the other instances last said of theirs (each instance
// says it every couple of seconds; one that has not spoken for `expiry` — it crashed, or
// lost Redis — stops counting). Thread-safe.
class cluster_presence {
public:
    cluster_presence(const presence& local, std::int64_t expiry_ms)
        : local_(local), expiry_ms_(expiry_ms) {}

    void heard(const std::string& instance,
               std::unordered_map<std::int64_t, presence::person> people, std::int64_t now_ms);
    // Everybody online anywhere, each person once (`only`: as in presence::count).
    presence::counts counts(std::int64_t now_ms,
                            const std::vector<std::int64_t>* only = nullptr) const;

private:
    struct report {
        std::unordered_map<std::int64_t, presence::person> people;
        std::int64_t at_ms = 0;
    };
    const presence& local_;
    std::int64_t expiry_ms_;
    mutable std::mutex lock_;
    std::unordered_map<std::string, report> others_;
};

}  // namespace ordercast::realtime
