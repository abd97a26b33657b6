// ThreadPool: a fixed set of worker threads, created once per Context, that run parallel_for over ranges.
// Not a task queue: one job at a time, the calling thread takes part, and nothing is allocated per job.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace sigma {

class ThreadPool {
public:
    // n_threads counts the calling thread too; 0 = the hardware's count. Workers start here.
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return n_threads_; }

    // Runs fn(begin, end, thread_index) over [0, n) split into at most size() contiguous ranges,
    // and returns when all are done. fn must not throw. thread_index < size() names a per-thread
    // scratch slot.
    template <typename F>
    void parallel_for(int64_t n, F&& fn) {
        if (n <= 0) return;
        if (n_threads_ == 1 || n == 1) {
            fn(int64_t{0}, n, 0);
            return;
        }
        auto trampoline = [](void* ctx, int64_t b, int64_t e, int t) { (*static_cast<F*>(ctx))(b, e, t); };
        run(n, trampoline, &fn);
    }

private:
    using Job = void (*)(void* ctx, int64_t begin, int64_t end, int thread_index);
    void run(int64_t n, Job job, void* ctx);
    void worker_loop(int thread_index);
    void run_share(int thread_index);

    int n_threads_ = 1;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable start_cv_;
    std::condition_variable done_cv_;
    std::atomic<uint64_t> generation_{0};  // bumped per job; workers wait for a new one
    std::atomic<int> pending_{0};          // workers still running the current job
    bool stopping_ = false;
    Job job_ = nullptr;
    void* job_ctx_ = nullptr;
    int64_t job_n_ = 0;
    int job_parts_ = 0;
};

}  // namespace sigma
