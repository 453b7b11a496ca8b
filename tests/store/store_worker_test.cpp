// Thread ownership of ConversationStore and the StoreWorker that gives the
// store its own thread.
#include "app/store/store_worker.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <thread>

#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using testing::StoreTest;

class StoreWorkerTest : public StoreTest {};

TEST_F(StoreWorkerTest, StoreRefusesUseFromAnotherThread) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "mine"}).id;
  std::optional<StoreErrorKind> kind;
  std::string message;
  std::thread intruder([&] {
    try {
      store.rename_conversation(c, "stolen");
    } catch (const StoreError& error) {
      kind = error.kind();
      message = error.what();
    }
  });
  intruder.join();
  ASSERT_TRUE(kind.has_value()) << "use from another thread was allowed";
  EXPECT_EQ(*kind, StoreErrorKind::WrongThread);
  EXPECT_NE(message.find("thread"), std::string::npos);
  EXPECT_EQ(store.get_conversation(c).title, "mine");
}

TEST_F(StoreWorkerTest, JobsRunInOrderOnTheNamedWorkerThread) {
  StoreWorker worker(db_path(), clock_.options());
  int64_t c = worker.call([](ConversationStore& s) { return s.create_conversation().id; }).get();
  std::vector<int> order;  // touched only by jobs, which run one at a time
  std::optional<int64_t> parent;
  for (int i = 0; i < 200; ++i) {
    worker.submit([&, i](ConversationStore& s) {
      order.push_back(i);
      parent = s.append_message(c, parent, Role::User, std::to_string(i));
    });
  }
  auto [thread_id, thread_name, branch] =
      worker
          .call([&](ConversationStore& s) {
            char name[16] = {};
            pthread_getname_np(pthread_self(), name, sizeof name);
            return std::make_tuple(std::this_thread::get_id(), std::string(name),
                                   s.active_branch(c));
          })
          .get();
  EXPECT_NE(thread_id, std::this_thread::get_id());
  EXPECT_EQ(thread_name, "mosaic-store");
  ASSERT_EQ(order.size(), 200u);
  ASSERT_EQ(branch.size(), 200u);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(order[i], i);
    EXPECT_EQ(branch[i].content, std::to_string(i));  // appended in submission order
  }
}

TEST_F(StoreWorkerTest, ShutdownFinishesQueuedWrites) {
  int64_t c = 0;
  {
    StoreWorker worker(db_path(), clock_.options());
    c = worker.call([](ConversationStore& s) { return s.create_conversation().id; }).get();
    for (int i = 0; i < 100; ++i) {
      worker.submit([c, i](ConversationStore& s) {
        s.append_message(c, std::nullopt, Role::User, "queued " + std::to_string(i));
      });
    }
    worker.shutdown();
    try {
      worker.submit([](ConversationStore&) {});
      FAIL() << "a job was accepted after shutdown";
    } catch (const StoreError& error) {
      EXPECT_EQ(error.kind(), StoreErrorKind::ShutDown);
    }
    worker.shutdown();  // idempotent
  }
  ConversationStore store = open_store();
  EXPECT_EQ(store.all_messages(c).size(), 100u);
}

TEST_F(StoreWorkerTest, DestructorAlsoFinishesQueuedWrites) {
  int64_t c = 0;
  {
    StoreWorker worker(db_path(), clock_.options());
    c = worker.call([](ConversationStore& s) { return s.create_conversation().id; }).get();
    for (int i = 0; i < 50; ++i) {
      worker.submit(
          [c](ConversationStore& s) { s.append_message(c, std::nullopt, Role::User, "x"); });
    }
  }
  EXPECT_EQ(open_store().all_messages(c).size(), 50u);
}

TEST_F(StoreWorkerTest, ErrorsReachTheFutureOrTheHandler) {
  std::atomic<int> handled{0};
  std::string handled_message;
  StoreWorker worker(db_path(), clock_.options(), [&](const StoreError& error) {
    handled_message = error.what();
    ++handled;
  });
  std::future<Conversation> missing =
      worker.call([](ConversationStore& s) { return s.get_conversation(31337); });
  try {
    missing.get();
    FAIL() << "the error was lost";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::NotFound);
  }
  worker.submit([](ConversationStore& s) { s.rename_conversation(31337, "x"); });
  worker.call([](ConversationStore&) { return 0; }).get();  // the submitted job ran before this
  EXPECT_EQ(handled.load(), 1);
  EXPECT_NE(handled_message.find("31337"), std::string::npos);

  // A job failing with some other exception neither stops the worker nor is lost.
  worker.submit([](ConversationStore&) { throw std::runtime_error("bug in a job"); });
  int64_t c = worker.call([](ConversationStore& s) { return s.create_conversation().id; }).get();
  EXPECT_GT(c, 0);
  EXPECT_EQ(handled.load(), 2);
  EXPECT_EQ(handled_message, "bug in a job");
}

TEST_F(StoreWorkerTest, OpenFailureIsThrownByTheConstructor) {
  std::filesystem::create_directories(db_path().parent_path());
  testing::write_bytes(db_path(), std::string(8192, '\x5a'));
  try {
    StoreWorker worker(db_path());
    FAIL() << "a worker started on a damaged database";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::Corrupt);
  }
}

}  // namespace
}  // namespace mosaic::store
