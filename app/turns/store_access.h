// How the turn layer reaches the conversation store: directly when it runs on
// the store's own thread (mosaic-cli), or through a StoreWorker when the
// store lives on another thread (the GUI), so the same turn code serves both.
#pragma once

#include <functional>

#include "app/store/conversation_store.h"
#include "app/store/store_worker.h"

namespace mosaic::turns {

using StoreTask = std::function<void(store::ConversationStore&)>;

class StoreAccess {
 public:
  virtual ~StoreAccess() = default;
  // Runs the task and returns when it is done; its exceptions propagate.
  virtual void run_and_wait(const StoreTask& task) = 0;
  // Queues a write that need not be waited for; tasks keep their order.
  virtual void run_later(StoreTask task) = 0;
};

class DirectStoreAccess final : public StoreAccess {
 public:
  explicit DirectStoreAccess(store::ConversationStore& store) : store_(store) {}
  void run_and_wait(const StoreTask& task) override { task(store_); }
  void run_later(StoreTask task) override { task(store_); }

 private:
  store::ConversationStore& store_;
};

class WorkerStoreAccess final : public StoreAccess {
 public:
  explicit WorkerStoreAccess(store::StoreWorker& worker) : worker_(worker) {}
  void run_and_wait(const StoreTask& task) override {
    worker_.call([&task](store::ConversationStore& s) { task(s); }).get();
  }
  void run_later(StoreTask task) override { worker_.submit(std::move(task)); }

 private:
  store::StoreWorker& worker_;
};

}  // namespace mosaic::turns
