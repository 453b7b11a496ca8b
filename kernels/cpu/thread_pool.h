// A fixed pool of worker threads for data-parallel kernels.
//
// The calling thread takes part in every parallel_for, so a pool of size N
// uses N-1 workers plus the caller and never oversubscribes the cores it was
// sized for. Workers spin briefly between jobs (decode issues thousands of
// short jobs per second) and then sleep, so an idle pool costs no CPU.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

namespace mosaic::kernels {

// Non-owning reference to a callable, cheaper than std::function on hot paths.
template <typename Fn>
class FunctionRef;
template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
  FunctionRef(F&& f)  // NOLINT(google-explicit-constructor)
      : object_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(args)...);
        }) {}
  R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  R (*call_)(void*, Args...);
};

class ThreadPool {
 public:
  // n_threads >= 1 (values below 1 are treated as 1). Workers are named
  // "mosaic-math-N" for debuggers and profilers.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }

  // Runs fn(task, thread) for every task in [0, n_tasks) and returns when all
  // have finished. Tasks are claimed dynamically, so uneven tasks balance;
  // `thread` is in [0, size()) and identifies per-thread scratch space.
  // Must not be called concurrently or from inside fn. fn must not throw.
  void parallel_for(int64_t n_tasks, FunctionRef<void(int64_t, int)> fn);

 private:
  struct State;
  int n_threads_;
  State* state_;
};

}  // namespace mosaic::kernels
