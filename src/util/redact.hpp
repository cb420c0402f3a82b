#pragma once

#include <string>
#include <string_view>

namespace ordercast::util {

// A URL fit for a log line: the password of its user-info (`scheme://user:***@host`) and
// any `password=` query value are replaced by `***`. Anything that is not a URL comes back
// unchanged.
std::string redact_url(std::string_view url);

}  // namespace ordercast::util
