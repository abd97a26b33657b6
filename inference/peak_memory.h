// The process's peak resident memory (VmHWM), and a way to restart that peak, for sigma bench's
// memory line: weights stay mmapped, so peak RSS should be the file plus the KV cache and a little.
// Not portable beyond Linux: elsewhere both report "unknown" (0 / false).
#pragma once

#include <cstdint>

namespace sigma {

// Peak resident set size in bytes since the process started or since the last successful reset;
// 0 when unknown.
uint64_t peak_rss_bytes();

// Restarts the peak at the current resident size (Linux >= 4.0). False when not supported.
bool reset_peak_rss();

}  // namespace sigma
