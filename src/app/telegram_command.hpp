#pragma once

#include <string>
#include <vector>

namespace ordercast::app {

// `ordercast telegram init-data --telegram-id N [--first-name F] [--language-code L]
// [--url URL] [--bot-token T]`: prints Mini App initData signed as Telegram signs it with the
// bot token (TELEGRAM_BOT_TOKEN), or with --url the Mini App's address carrying it
// (URL#tgWebAppData=...), where a desktop browser opens the app as if from Telegram. For
// development and tests: whoever holds the bot token can sign in as anyone. Returns the exit
// code.
int telegram_command(const std::vector<std::string>& args);

}  // namespace ordercast::app
