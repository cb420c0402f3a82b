#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ordercast::util {

// The form under which two names count as the same (logins, city names): white space
// trimmed and inner runs of it made one space, Latin and Cyrillic letters lower-cased
// ("  Anna " and "anna", "МОСКВА" and "Москва" are one name). Other characters stay.
std::string text_key(std::string_view name);

// `name` with white space trimmed at both ends and inner runs of it made one space.
std::string tidy_name(std::string_view name);

// What makes a name that a person reads (a menu item, a city) lie or break a screen: NUL and
// other control characters, invalid UTF-8, bidirectional overrides and isolates (U+202A-E,
// U+2066-9) and zero-width characters (U+200B-F, U+2060, U+FEFF). The reason, or nothing.
std::optional<std::string> hidden_characters(std::string_view name);

}  // namespace ordercast::util
