#pragma once

#include <string>
#include <vector>

namespace ordercast::app {

// `ordercast menu import FILE [--database-url URL]`: a JSON array of
// `{name, price, cityIds?, available?}`; each is added, or updates the item of its name.
int menu_command(const std::vector<std::string>& args);

// `ordercast city add NAME [--database-url URL]`: adds a city (prints its id).
int city_command(const std::vector<std::string>& args);

}  // namespace ordercast::app
