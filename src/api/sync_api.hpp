#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/api_context.hpp"
#include "api/route_table.hpp"

namespace ordercast::api {

// Watching and repairing the Gulyash sync (docs/protocol.md §8).
class sync_api {
public:
    explicit sync_api(const api_context& ctx);
    void add_routes(route_table& routes);

private:
    void failed_syncs(const auth::principal& who, respond_fn respond);
    void retry_sync(const auth::principal& who, std::string_view entity, std::int64_t id,
                    respond_fn respond);

    const api_context& ctx_;
};

}  // namespace ordercast::api
