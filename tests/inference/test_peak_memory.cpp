// The peak-RSS probe behind sigma bench's memory line: it sees memory the process touches, and a
// reset restarts the peak at the current size.
// Not a memory target: the bench prints the numbers; nothing here bounds the engine's footprint.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "inference/peak_memory.h"

namespace sigma {
namespace {

TEST(PeakMemory, SeesTouchedMemoryAndRestartsOnReset) {
    if (!reset_peak_rss() || peak_rss_bytes() == 0) GTEST_SKIP() << "no /proc peak-RSS support here";
    const uint64_t before = peak_rss_bytes();
    constexpr size_t kBytes = size_t{96} << 20;
    {
        std::unique_ptr<char[]> block(new char[kBytes]);
        std::memset(block.get(), 1, kBytes);  // resident only once written
        volatile char sink = block[kBytes / 2];
        (void)sink;
    }
    const uint64_t with_block = peak_rss_bytes();
    EXPECT_GE(with_block, before + (size_t{90} << 20)) << "peak did not include a 96 MiB block that was written";
    ASSERT_TRUE(reset_peak_rss());
    // The block is freed: the restarted peak is the current size, well below the old peak.
    EXPECT_LT(peak_rss_bytes(), with_block - (size_t{64} << 20));
}

}  // namespace
}  // namespace sigma
