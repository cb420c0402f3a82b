#pragma once

// boost::container::small_vector (elements inline up to N, then on the heap). GCC 12 warns
// of a memcpy "reading between 9 and 2^63 bytes" inside Boost's copy loop once it is
// inlined (a false positive of -Wstringop-overread: the count is bounded by the size); the
// warning is silenced for Boost's header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#include <boost/container/small_vector.hpp>
#pragma GCC diagnostic pop

namespace ordercast::util {

template <typename T, std::size_t N>
using small_vector = boost::container::small_vector<T, N>;

}  // namespace ordercast::util
