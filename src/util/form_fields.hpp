#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ordercast::util {

// application/x-www-form-urlencoded (query strings, Telegram initData): `k=v&k2=v2`,
// percent-decoded, '+' as a space. Nothing when any part is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> form_fields(std::string_view text);

// `%XX` escapes decoded (and '+' as a space when `plus_is_space`, as forms write it);
// nothing for a broken escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

}  // namespace ordercast::util
