#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "util/log_fields.hpp"

namespace ordercast::app {
namespace {

// `%*` in JSON lines: the message as an escaped "msg", or a fields line's members as they are.
class json_message final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        std::string_view text(msg.payload.data(), msg.payload.size());
        std::string out;
        if (!text.empty() && text.front() == util::fields_marker) {
            out = text.substr(1);
        } else {
            out = "\"msg\":" + boost::json::serialize(boost::json::string(util::valid_utf8(text)));
        }
        dest.append(out.data(), out.data() + out.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<json_message>();
    }
};

// `%*` in text lines: the message with control characters escaped (a fields line is already
// safe), so that no client-supplied byte starts a new line or reaches a terminal raw.
class text_message final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        std::string_view text(msg.payload.data(), msg.payload.size());
        const std::string out = !text.empty() && text.front() == util::fields_marker
                                    ? std::string(text.substr(1))
                                    : util::printable(text);
        dest.append(out.data(), out.data() + out.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<text_message>();
    }
};

}  // namespace

void setup_logging(const std::string& level, const std::string& format) {
    auto logger = spdlog::stderr_logger_mt("ordercast");
    if (format == "json") {
        util::json_logs = true;
        auto formatter =
            std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<json_message>('*').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%*})");
        logger->set_formatter(std::move(formatter));
    } else {
        auto formatter =
            std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<text_message>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %*");
        logger->set_formatter(std::move(formatter));
    }
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

}  // namespace ordercast::app
