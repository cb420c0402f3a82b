// Any client message text: parsing answers with a message or a refusal, and room names
// that parse are the canonical ones.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "realtime/protocol.hpp"
#include "realtime/room_policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = ordercast::realtime::parse_client_message(text);
    if (auto* msg = std::get_if<ordercast::realtime::client_message>(&parsed)) {
        auto room = ordercast::realtime::parse_room(msg->room);
        if (room) {
            using kind = ordercast::realtime::room_id::kind;
            std::string canonical =
                room->type == kind::admin_orders  ? ordercast::realtime::admin_room()
                : room->type == kind::city_orders ? ordercast::realtime::city_room(room->id)
                                                  : ordercast::realtime::user_room(room->id);
            if (canonical != msg->room) std::abort();
        }
    }
    if (auto room = ordercast::realtime::parse_room(text); room && room->id < 0) std::abort();
    return 0;
}
