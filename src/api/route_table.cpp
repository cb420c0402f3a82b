#include "api/route_table.hpp"

#include "util/decimal_id.hpp"

namespace ordercast::api {
namespace {

// The segments of a canonical path into `parts` ("/" has none); false for any other spelling.
bool segments(std::string_view path, std::vector<std::string_view>& parts) {
    parts.clear();
    if (path.empty() || path.front() != '/') return false;
    if (path == "/") return true;
    while (!path.empty()) {
        path.remove_prefix(1);  // the '/'
        auto slash = path.find('/');
        auto part = path.substr(0, slash);
        if (part.empty()) return false;
        parts.push_back(part);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    return true;
}

// Matches `parts` against `pattern`, collecting the ids and words it captures.
bool matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& parts,
             call& c) {
    if (pattern.size() != parts.size()) return false;
    c.ids.clear();
    c.words.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (pattern[i] == "{id}") {
            auto id = util::parse_decimal_id(parts[i]);
            if (!id) return false;
            c.ids.push_back(*id);
        } else if (pattern[i] == "{word}") {
            c.words.push_back(parts[i]);
        } else if (pattern[i] != parts[i]) {
            return false;
        }
    }
    return true;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

}  // namespace

void route_table::add(http::verb method, std::string_view pattern, access needs,
                      route_handler handler) {
    std::vector<std::string_view> views;
    segments(pattern, views);
    std::vector<std::string> parts(views.begin(), views.end());
    routes_.push_back({method, std::string(pattern), std::move(parts), needs, std::move(handler)});
}

void route_table::capture(const route& r, std::string_view target, call& c) {
    const auto path = path_of(target);
    c.query = path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view();
    std::vector<std::string_view> parts;
    if (segments(path, parts)) matches(r.pattern, parts, c);
}

const route_table::route* route_table::find(http::verb method, std::string_view target, call& c,
                                            std::string& allowed) const {
    const auto path = path_of(target);
    c.query = path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view();
    std::vector<std::string_view> parts;
    if (!segments(path, parts)) return nullptr;
    // HEAD is GET without the body (RFC 9110 §9.3.2); the session drops the body.
    if (method == http::verb::head) method = http::verb::get;
    for (const auto& r : routes_) {
        if (!matches(r.pattern, parts, c)) continue;
        if (r.method == method) return &r;
        if (!allowed.empty()) allowed += ", ";
        allowed += std::string(http::to_string(r.method));
    }
    return nullptr;
}

}  // namespace ordercast::api
