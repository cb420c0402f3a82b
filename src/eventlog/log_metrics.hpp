#pragma once

#include <string>

#include "eventlog/log_pruner.hpp"
#include "eventlog/log_sink.hpp"
#include "eventlog/replay.hpp"
#include "eventlog/sequencer.hpp"

namespace ordercast::eventlog {

// The event log's figures on the /metrics page.
void render(std::string& out, const sequencer& order, const log_sink& sink,
            const replay_stats& replays, const log_pruner& pruner);

}  // namespace ordercast::eventlog
