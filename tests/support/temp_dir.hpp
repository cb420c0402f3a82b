#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace ordercast::testing {

// A new, empty, uniquely named folder: tests run in parallel processes and must never share one.
inline std::filesystem::path make_temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ordercast-unit-XXXXXX").string();
    return ::mkdtemp(pattern.data());
}

}  // namespace ordercast::testing
