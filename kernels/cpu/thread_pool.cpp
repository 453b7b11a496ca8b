// Persistent worker pool for the data-parallel kernels.
//
// A job is published as one 64-bit word, (generation << 32 | tasks left).
// Threads claim a task by compare-and-swap on that word, which succeeds only
// while the generation is the one they joined, so a worker that wakes up
// late can never claim (or run) a task of a newer job. The caller returns as
// soon as every task has *completed*; it never waits for idle or descheduled
// workers to check in, which matters on a shared 2-core machine. The job's fn
// is read only after a successful claim: the caller cannot move on to the
// next job before that claimed task completes, so fn is still valid.
//
// Workers spin for a short while after a job (decode issues ~100 jobs per
// token, microseconds apart) and then sleep on a futex, so an idle pool
// costs nothing.
#include "kernels/cpu/thread_pool.h"

#include <atomic>
#include <cassert>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace mosaic::kernels {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// How long a worker keeps polling for the next job before it sleeps.
constexpr std::chrono::microseconds kSpinTime{250};

}  // namespace

struct ThreadPool::State {
  // (generation << 32) | tasks not yet claimed. Tasks are handed out from
  // the top down: the claim that takes `left` runs task left - 1.
  alignas(64) std::atomic<uint64_t> work{0};
  const FunctionRef<void(int64_t, int)>* fn = nullptr;
  alignas(64) std::atomic<int64_t> done{0};  // completed tasks of the current job
  // Futex word: the generation of the latest job (or shutdown).
  alignas(64) std::atomic<uint32_t> seq{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  uint32_t generation = 0;  // caller side only
  std::vector<std::thread> workers;
#if !defined(__linux__)
  std::mutex mu;
  std::condition_variable cv;
#endif

  void sleep_while(uint32_t seen) {
#if defined(__linux__)
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&seq), FUTEX_WAIT_PRIVATE, seen, nullptr,
            nullptr, 0);
#else
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return seq.load() != seen; });
#endif
  }

  void wake_all() {
#if defined(__linux__)
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&seq), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
            nullptr, 0);
#else
    std::lock_guard<std::mutex> lock(mu);
    cv.notify_all();
#endif
  }

  // Claims and runs tasks of generation `gen` until none are left; returns
  // how many this thread ran.
  int64_t run_tasks(uint32_t gen, int thread) {
    int64_t ran = 0;
    uint64_t w = work.load(std::memory_order_acquire);
    for (;;) {
      if (static_cast<uint32_t>(w >> 32) != gen || static_cast<uint32_t>(w) == 0) break;
      if (!work.compare_exchange_weak(w, w - 1, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        continue;  // w was reloaded
      }
      (*fn)(static_cast<int64_t>(static_cast<uint32_t>(w)) - 1, thread);
      ++ran;
      w = work.load(std::memory_order_acquire);
    }
    return ran;
  }

  void worker_main(int thread) {
    uint32_t seen = 0;
    for (;;) {
      uint32_t s = seq.load(std::memory_order_acquire);
      if (s == seen) {
        const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
        int spins = 0;
        while ((s = seq.load(std::memory_order_acquire)) == seen) {
          cpu_relax();
          if (++spins % 64 == 0 && std::chrono::steady_clock::now() > deadline) {
            // Announce the sleep before the last check, so a caller that
            // publishes after that check sees sleepers > 0 and wakes us.
            sleepers.fetch_add(1, std::memory_order_seq_cst);
            while ((s = seq.load(std::memory_order_seq_cst)) == seen) sleep_while(seen);
            sleepers.fetch_sub(1, std::memory_order_relaxed);
            break;
          }
        }
      }
      seen = s;
      if (stop.load(std::memory_order_acquire)) return;
      const int64_t ran = run_tasks(s, thread);
      if (ran) done.fetch_add(ran, std::memory_order_release);
    }
  }
};

ThreadPool::ThreadPool(int n_threads)
    : n_threads_(n_threads < 1 ? 1 : n_threads), state_(new State) {
  state_->workers.reserve(static_cast<size_t>(n_threads_ - 1));
  for (int i = 1; i < n_threads_; ++i) {
    state_->workers.emplace_back([this, i] { state_->worker_main(i); });
#if defined(__linux__)
    const std::string name = "mosaic-math-" + std::to_string(i);
    pthread_setname_np(state_->workers.back().native_handle(), name.substr(0, 15).c_str());
#endif
  }
}

ThreadPool::~ThreadPool() {
  State& s = *state_;
  s.stop.store(true, std::memory_order_release);
  s.seq.fetch_add(1, std::memory_order_seq_cst);
  s.wake_all();
  for (std::thread& t : s.workers) t.join();
  delete state_;
}

void ThreadPool::parallel_for(int64_t n_tasks, FunctionRef<void(int64_t, int)> fn) {
  if (n_tasks <= 0) return;
  if (n_threads_ == 1 || n_tasks == 1) {
    for (int64_t t = 0; t < n_tasks; ++t) fn(t, 0);
    return;
  }
  // The claim word has 32 bits for the task count; split larger jobs.
  constexpr int64_t kMaxTasks = 0xFFFFFFFFll;
  if (n_tasks > kMaxTasks) {
    for (int64_t base = 0; base < n_tasks; base += kMaxTasks) {
      const int64_t n = n_tasks - base < kMaxTasks ? n_tasks - base : kMaxTasks;
      parallel_for(n, [&](int64_t t, int thread) { fn(base + t, thread); });
    }
    return;
  }
  State& s = *state_;
  const uint32_t gen = ++s.generation == 0 ? ++s.generation : s.generation;  // 0 = "no job"
  s.fn = &fn;
  s.done.store(0, std::memory_order_relaxed);
  s.work.store((static_cast<uint64_t>(gen) << 32) | static_cast<uint64_t>(n_tasks),
               std::memory_order_release);
  s.seq.store(gen, std::memory_order_seq_cst);
  if (s.sleepers.load(std::memory_order_seq_cst) > 0) s.wake_all();

  const int64_t ran = s.run_tasks(gen, 0);
  if (ran == n_tasks) return;  // no worker ran anything: nothing to wait for
  s.done.fetch_add(ran, std::memory_order_relaxed);
  // Tasks claimed by workers finish in about one task's time; yield now and
  // then in case one of them was descheduled.
  int spins = 0;
  while (s.done.load(std::memory_order_acquire) != n_tasks) {
    cpu_relax();
    if (++spins % 256 == 0) std::this_thread::yield();
  }
}

}  // namespace mosaic::kernels
