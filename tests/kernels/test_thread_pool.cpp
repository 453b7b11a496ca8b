#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "kernels/cpu/thread_pool.h"

namespace mosaic::kernels {
namespace {

TEST(KernelThreadPool, EveryTaskRunsExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 2, 3, 7, 64, 1000, 10007}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      std::atomic<bool> bad_thread{false};
      pool.parallel_for(n, [&](int64_t t, int thread) {
        hits[static_cast<size_t>(t)].fetch_add(1);
        if (thread < 0 || thread >= threads) bad_thread = true;
      });
      for (int64_t t = 0; t < n; ++t)
        ASSERT_EQ(hits[t].load(), 1) << "threads " << threads << " n " << n;
      EXPECT_FALSE(bad_thread);
    }
  }
}

TEST(KernelThreadPool, ManyBackToBackCalls) {
  ThreadPool pool(3);
  std::vector<int64_t> per_call(20000);
  for (size_t call = 0; call < per_call.size(); ++call) {
    const int64_t n = 1 + static_cast<int64_t>(call % 13);
    std::atomic<int64_t> sum{0};
    pool.parallel_for(n, [&](int64_t t, int) { sum.fetch_add(t + 1, std::memory_order_relaxed); });
    // All results visible when parallel_for returns.
    ASSERT_EQ(sum.load(std::memory_order_relaxed), n * (n + 1) / 2) << call;
  }
}

TEST(KernelThreadPool, PerThreadScratchIsPrivate) {
  // Tasks that use `thread` to pick a scratch slot never collide.
  ThreadPool pool(4);
  std::vector<int64_t> slot(4, 0);
  std::vector<std::atomic<int>> in_use(4);
  std::atomic<bool> collision{false};
  for (int rep = 0; rep < 200; ++rep) {
    pool.parallel_for(64, [&](int64_t t, int thread) {
      if (in_use[thread].exchange(1) != 0) collision = true;
      slot[thread] += t;
      in_use[thread].store(0);
    });
  }
  EXPECT_FALSE(collision);
  int64_t total = 0;
  for (int64_t s : slot) total += s;
  EXPECT_EQ(total, 200 * 63 * 64 / 2);
}

TEST(KernelThreadPool, WakesAfterSleeping) {
  ThreadPool pool(2);
  for (int rep = 0; rep < 3; ++rep) {
    // Longer than the spin window: workers are asleep on the futex.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::atomic<int> count{0};
    std::atomic<bool> other_thread{false};
    pool.parallel_for(200, [&](int64_t, int thread) {
      count.fetch_add(1);
      if (thread != 0) other_thread = true;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    });
    EXPECT_EQ(count.load(), 200);
    EXPECT_TRUE(other_thread.load());  // the woken worker took part
  }
}

TEST(KernelThreadPool, UnevenTasksBalance) {
  ThreadPool pool(2);
  pool.parallel_for(8, [](int64_t, int) {});  // workers are up
  std::atomic<bool> first{true};
  std::atomic<int> slow_thread{-1};
  std::atomic<int> count[2] = {0, 0};
  pool.parallel_for(40, [&](int64_t, int thread) {
    count[thread].fetch_add(1);
    if (first.exchange(false)) {  // the first task claimed is slow
      slow_thread = thread;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  // Dynamic claiming: while one thread is stuck, the other takes the rest.
  EXPECT_LE(count[slow_thread.load()].load(), 2);
  EXPECT_EQ(count[0].load() + count[1].load(), 40);
}

TEST(KernelThreadPool, DestroyIdlePool) {
  for (int i = 0; i < 20; ++i) {
    ThreadPool pool(3);
    if (i % 2) pool.parallel_for(10, [](int64_t, int) {});
  }
  ThreadPool zero(0);  // treated as 1
  EXPECT_EQ(zero.size(), 1);
  int ran = 0;
  zero.parallel_for(5, [&](int64_t, int thread) {
    EXPECT_EQ(thread, 0);
    ++ran;
  });
  EXPECT_EQ(ran, 5);
}

}  // namespace
}  // namespace mosaic::kernels
