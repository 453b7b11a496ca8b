// Runs a ConversationStore on its own thread so the GUI thread never waits
// for the disk. Jobs run one at a time in the order they were submitted; on
// shutdown (or destruction) every job already queued still runs, so no
// submitted write is lost, then the store is closed on its thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>

#include "app/store/conversation_store.h"

namespace mosaic::store {

using StoreJob = std::function<void(ConversationStore&)>;
// Receives the error of a job submitted with submit() (not call()); runs on
// the worker thread. Without one, such errors are dropped.
using StoreJobErrorHandler = std::function<void(const StoreError&)>;

class StoreWorker {
 public:
  // Starts the thread (named `thread_name`, at most 15 characters shown by
  // the OS) and opens the store there. Throws the StoreError of open() if the
  // store cannot be opened; no thread is left running then.
  explicit StoreWorker(std::filesystem::path database_path, StoreOptions options = {},
                       StoreJobErrorHandler on_error = {},
                       std::string thread_name = "mosaic-store");
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;
  ~StoreWorker();

  // Queues a job. Throws StoreError(ShutDown) after shutdown() began.
  void submit(StoreJob job);

  // Queues a job whose result (or exception) arrives through the future.
  template <typename Function>
  auto call(Function function) -> std::future<std::invoke_result_t<Function, ConversationStore&>> {
    using Result = std::invoke_result_t<Function, ConversationStore&>;
    auto task =
        std::make_shared<std::packaged_task<Result(ConversationStore&)>>(std::move(function));
    std::future<Result> result = task->get_future();
    enqueue([task](ConversationStore& store) { (*task)(store); });
    return result;
  }

  // Runs every queued job, closes the store and joins the thread. Idempotent.
  void shutdown();

 private:
  void enqueue(StoreJob job);
  void run(std::promise<void> opened, std::filesystem::path database_path, StoreOptions options,
           std::string thread_name);

  StoreJobErrorHandler on_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<StoreJob> jobs_;
  bool stopping_ = false;
  std::mutex join_mutex_;
  std::thread thread_;
};

}  // namespace mosaic::store
