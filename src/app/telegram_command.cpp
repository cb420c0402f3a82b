#include "app/telegram_command.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <iostream>
#include <optional>

#include "auth/telegram_init_data.hpp"
#include "config/config.hpp"
#include "util/clock.hpp"
#include "util/decimal_id.hpp"

namespace ordercast::app {
namespace {

constexpr const char* usage =
    "usage: ordercast telegram init-data --telegram-id N [--first-name NAME] [--language-code "
    "en|ru]\n"
    "                                    [--url MINI_APP_URL] [--bot-token TOKEN]\n"
    "  prints initData signed with the bot token (default: TELEGRAM_BOT_TOKEN); with --url, that\n"
    "  URL with #tgWebAppData=..., which opens the Mini App in a browser as Telegram would\n";

int fail(const std::string& message) {
    std::cerr << "ordercast telegram: " << message << "\n" << usage;
    return 2;
}

// Percent-encoding of everything but RFC 3986's unreserved characters.
std::string encoded(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

}  // namespace

int telegram_command(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] != "init-data") return fail("unknown command '" + args[0] + "'");
    std::optional<std::int64_t> id;
    std::string first_name = "Developer";
    std::string language = "en";
    std::string url;
    std::string bot_token = config::process_env("TELEGRAM_BOT_TOKEN").value_or("");
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (i + 1 >= args.size()) return fail(flag + ": missing value");
        const std::string& value = args[++i];
        if (flag == "--telegram-id") {
            id = util::parse_decimal_id(value);
            if (!id) return fail("--telegram-id: expected a whole number from 1 to 2^53-1");
        } else if (flag == "--first-name") {
            first_name = value;
        } else if (flag == "--language-code") {
            language = value;
        } else if (flag == "--url") {
            url = value;
        } else if (flag == "--bot-token") {
            bot_token = value;
        } else {
            return fail("unknown option '" + flag + "'");
        }
    }
    if (!id) return fail("--telegram-id is required");
    if (bot_token.empty()) return fail("no bot token (TELEGRAM_BOT_TOKEN or --bot-token)");
    const auto user = boost::json::serialize(
        boost::json::object{{"id", *id}, {"first_name", first_name}, {"language_code", language}});
    const auto fields =
        "auth_date=" + std::to_string(util::unix_seconds()) + "&user=" + encoded(user);
    const auto init_data = auth::sign_init_data(fields, bot_token);
    if (url.empty()) {
        std::cout << init_data << "\n";
    } else {
        std::cout << url << "#tgWebAppData=" << encoded(init_data) << "&tgWebAppVersion=7.0\n";
    }
    return 0;
}

}  // namespace ordercast::app
