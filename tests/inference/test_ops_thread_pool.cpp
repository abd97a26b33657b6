// ThreadPool: every index of a job is visited exactly once, by a valid thread slot, across many
// back-to-back jobs (the decode pattern) and job sizes smaller and larger than the pool.
// Not a speed test: how fast jobs hand over is measured by benchmarks, not asserted.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "inference/thread_pool.h"

namespace sigma {
namespace {

TEST(ThreadPool, VisitsEveryIndexOnceAcrossManyJobs) {
    for (int threads : {1, 2, 3, 5}) {
        ThreadPool pool(threads);
        EXPECT_EQ(pool.size(), threads);
        std::vector<std::atomic<int>> hits(100);
        for (int job = 0; job < 3000; ++job) {
            const int64_t n = job % 100 + 1;
            std::atomic<bool> bad_slot{false};
            pool.parallel_for(n, [&](int64_t begin, int64_t end, int thread) {
                if (thread < 0 || thread >= threads || begin >= end) bad_slot = true;
                for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
            });
            ASSERT_FALSE(bad_slot) << "job " << job;
            for (int64_t i = 0; i < 100; ++i) {
                ASSERT_EQ(hits[static_cast<size_t>(i)].load(), i < n ? 1 : 0) << "job " << job << " index " << i;
                hits[static_cast<size_t>(i)] = 0;
            }
        }
    }
}

TEST(ThreadPool, ZeroMeansTheHardwareCountAndEmptyJobsDoNothing) {
    ThreadPool pool(0);
    EXPECT_GE(pool.size(), 1);
    int calls = 0;
    pool.parallel_for(0, [&](int64_t, int64_t, int) { ++calls; });
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace sigma
