#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <string_view>
#include <thread>

namespace ordercast::util {

// Runs a thread's loop `body` until it returns; an exception escaping it is logged and the
// loop starts again (after a pause, so a failure that repeats cannot spin), instead of
// ending the process.
template <typename Body>
void run_guarded(std::string_view name, Body body) {
    for (;;) {
        try {
            body();
            return;
        } catch (const std::exception& e) {
            spdlog::error("{}: {}; carrying on", name, e.what());
        } catch (...) {
            spdlog::error("{}: unknown exception; carrying on", name);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace ordercast::util
