#include "app/store/store_worker.h"

#include <pthread.h>

#include <optional>

namespace mosaic::store {

StoreWorker::StoreWorker(std::filesystem::path database_path, StoreOptions options,
                         StoreJobErrorHandler on_error, std::string thread_name)
    : on_error_(std::move(on_error)) {
  std::promise<void> opened;
  std::future<void> open_result = opened.get_future();
  thread_ = std::thread(&StoreWorker::run, this, std::move(opened), std::move(database_path),
                        std::move(options), std::move(thread_name));
  try {
    open_result.get();
  } catch (...) {
    thread_.join();  // run() returns right after reporting the failure
    throw;
  }
}

StoreWorker::~StoreWorker() { shutdown(); }

void StoreWorker::run(std::promise<void> opened, std::filesystem::path database_path,
                      StoreOptions options, std::string thread_name) {
  // Linux limits thread names to 15 characters plus the terminator.
  pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
  std::optional<ConversationStore> store;
  try {
    store.emplace(ConversationStore::open(database_path, std::move(options)));
  } catch (...) {
    opened.set_exception(std::current_exception());
    return;
  }
  opened.set_value();
  for (;;) {
    StoreJob job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) break;  // stopping and nothing left to do
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job(*store);
    } catch (const StoreError& error) {
      if (on_error_) on_error_(error);
    } catch (const std::exception& error) {
      if (on_error_) on_error_(StoreError(StoreErrorKind::JobFailed, error.what()));
    } catch (...) {
      // A job's bug must not take the thread (and every queued write) down.
      if (on_error_) on_error_(StoreError(StoreErrorKind::JobFailed, "a store job threw"));
    }
  }
  // `store` closes here, on the thread that opened it.
}

void StoreWorker::enqueue(StoreJob job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      throw StoreError(StoreErrorKind::ShutDown,
                       "the conversation store is shutting down; the job was not run");
    }
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void StoreWorker::submit(StoreJob job) { enqueue(std::move(job)); }

void StoreWorker::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  std::lock_guard join_lock(join_mutex_);  // two threads calling shutdown() must not both join
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

}  // namespace mosaic::store
