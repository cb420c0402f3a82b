#pragma once

#include <string>

#include "eventlog/log_sink.hpp"
#include "eventlog/replay.hpp"
#include "eventlog/sequencer.hpp"
#include "storage/pruner.hpp"

namespace ordercast::eventlog {

// The event log's figures on the /metrics page.
void render(std::string& out, const sequencer& order, const log_sink& sink,
            const replay_stats& replays, const storage::pruner& pruner);

}  // namespace ordercast::eventlog
