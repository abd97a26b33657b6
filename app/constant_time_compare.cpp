// constant_time_equal: one pass over the bytes the client sent, OR-ing every difference into one
// accumulator, so that the loop's length and work never depend on the secret's contents.
// Not constant in the client's own length: that length is the client's to know.
#include "app/constant_time_compare.h"

#include <cstddef>

namespace sigma::app {

bool constant_time_equal(QByteArrayView given, QByteArrayView expected) {
    const std::size_t given_size = static_cast<std::size_t>(given.size());
    const std::size_t expected_size = static_cast<std::size_t>(expected.size());
    // Volatile reads keep the compiler from turning the loop into an early-exit memcmp.
    const volatile unsigned char* g = reinterpret_cast<const unsigned char*>(given.data());
    const volatile unsigned char* e = reinterpret_cast<const unsigned char*>(expected.data());
    std::size_t diff = given_size ^ expected_size;
    for (std::size_t i = 0; i < given_size; ++i) {
        // Past the end of the expected secret the comparison goes on against its bytes again
        // (or 0 when it is empty); the length difference above already makes the answer false.
        const unsigned char want = expected_size == 0 ? 0 : e[i % expected_size];
        diff |= static_cast<std::size_t>(g[i] ^ want);
    }
    return diff == 0;
}

}  // namespace sigma::app
