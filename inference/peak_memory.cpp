// Reads VmHWM from /proc/self/status and restarts it through /proc/self/clear_refs.
// Not a sampler: the kernel keeps the high-water mark; this only reads and resets it.
#include "inference/peak_memory.h"

#include <cstdio>
#include <cstring>

namespace sigma {

uint64_t peak_rss_bytes() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long kib = 0;
    bool found = false;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmHWM:", 6) == 0) {
            found = std::sscanf(line + 6, "%llu", &kib) == 1;
            break;
        }
    }
    std::fclose(f);
    return found ? static_cast<uint64_t>(kib) * 1024 : 0;
}

bool reset_peak_rss() {
    std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
    if (!f) return false;
    const bool ok = std::fputs("5", f) >= 0;
    return std::fclose(f) == 0 && ok;
}

}  // namespace sigma
