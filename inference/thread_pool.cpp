// ThreadPool: workers sleep on a condition variable between jobs (the machine is often shared, so no
// spinning); each job is split into equal contiguous ranges, one per thread.
#include "inference/thread_pool.h"

#include <algorithm>

namespace sigma {

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
        std::lock_guard<std::mutex> lock(mutex_);
        job_ = job;
        job_ctx_ = ctx;
        job_n_ = n;
        job_parts_ = static_cast<int>(std::min<int64_t>(n, n_threads_));
        pending_ = n_threads_ - 1;
        ++generation_;
    }
    start_cv_.notify_all();
    run_share(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [this] { return pending_ == 0; });
}

void ThreadPool::worker_loop(int thread_index) {
    uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            start_cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
        }
        run_share(thread_index);
        bool last = false;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            last = --pending_ == 0;
        }
        if (last) done_cv_.notify_one();
    }
}

}  // namespace sigma
