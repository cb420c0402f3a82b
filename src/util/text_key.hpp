#pragma once

#include <string>
#include <string_view>

namespace ordercast::util {

// The form under which two names count as the same (logins, city names): white space
// trimmed and inner runs of it made one space, Latin and Cyrillic letters lower-cased
// ("  Anna " and "anna", "МОСКВА" and "Москва" are one name). Other characters stay.
std::string text_key(std::string_view name);

// `name` with white space trimmed at both ends and inner runs of it made one space.
std::string tidy_name(std::string_view name);

}  // namespace ordercast::util
