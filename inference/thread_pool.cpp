// ThreadPool: between jobs a waiting thread first spins (a decode step issues a hundred small jobs
// back to back, and a sleeping thread takes tens of microseconds to wake), then yields the core for a
// while, then sleeps on a condition variable so an idle machine is not burnt. Yielding, not spinning,
// is what keeps an oversubscribed machine fast: the thread that would post the next job gets the core.
// Each job is split into equal contiguous ranges.
#include "inference/thread_pool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SIGMA_CPU_RELAX() _mm_pause()
#else
#define SIGMA_CPU_RELAX() std::this_thread::yield()
#endif

namespace sigma {

namespace {
// About 7 us of polling, then up to half a millisecond of yielding, before blocking. Measured on the
// 1.1B Q4_K_M file with 2 threads on 2 cores: 300 polls alone decode 41 tok/s and yielding as well 52,
// because most gaps between a step's jobs outlast 7 us. Polling for the whole window decodes 49 on a
// quiet machine, but with one more busy process 6-13 tok/s against 26; yielding keeps that 25-26.
constexpr int kSpinIterations = 300;
constexpr auto kYieldWindow = std::chrono::microseconds(500);

// Spins, then yields, until ready() or the window has passed; true if ready.
template <typename Ready>
bool wait_briefly(Ready ready) {
    for (int i = 0; i < kSpinIterations; ++i) {
        if (ready()) return true;
        SIGMA_CPU_RELAX();
    }
    const auto deadline = std::chrono::steady_clock::now() + kYieldWindow;
    do {
        if (ready()) return true;
        std::this_thread::yield();
    } while (std::chrono::steady_clock::now() < deadline);
    return ready();
}
}  // namespace

ThreadPool::ThreadPool(int n_threads) {
    if (n_threads <= 0) n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    n_threads_ = n_threads;
    workers_.reserve(static_cast<size_t>(n_threads_ - 1));
    for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    start_cv_.notify_all();
    for (auto& w : workers_) w.join();
}

void ThreadPool::run_share(int thread_index) {
    if (thread_index >= job_parts_) return;
    const int64_t chunk = job_n_ / job_parts_;
    const int64_t extra = job_n_ % job_parts_;
    // The first `extra` ranges take one more item, so sizes differ by at most one.
    const int64_t begin = thread_index * chunk + std::min<int64_t>(thread_index, extra);
    const int64_t end = begin + chunk + (thread_index < extra ? 1 : 0);
    if (begin < end) job_(job_ctx_, begin, end, thread_index);
}

void ThreadPool::run(int64_t n, Job job, void* ctx) {
    {
        // Job fields are published by the release on generation_ (and the mutex, for sleepers).
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = job;
        job_ctx_ = ctx;
        job_n_ = n;
        job_parts_ = static_cast<int>(std::min<int64_t>(n, n_threads_));
        pending_.store(n_threads_ - 1, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
    }
    start_cv_.notify_all();
    run_share(0);
    if (wait_briefly([this] { return pending_.load(std::memory_order_acquire) == 0; })) return;
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
}

void ThreadPool::worker_loop(int thread_index) {
    uint64_t seen = 0;
    for (;;) {
        if (!wait_briefly([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
            std::unique_lock<std::mutex> lock(mutex_);
            start_cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        }
        seen = generation_.load(std::memory_order_acquire);
        {
            std::lock_guard<std::mutex> lock(mutex_);  // pairs with the destructor's write
            if (stopping_) return;
        }
        run_share(thread_index);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(mutex_);  // so the waiter cannot miss the notify
            done_cv_.notify_one();
        }
    }
}

}  // namespace sigma
