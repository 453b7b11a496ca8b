// One named thread that runs posted jobs in order: for work the GUI thread
// must not wait for (opening a camera, stopping watch mode, encoding PNGs).
// Jobs still queued at destruction are dropped; the running one finishes.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace mosaic::ui {

class JobThread {
 public:
  // thread_name: at most 15 characters (shown in debuggers and top).
  explicit JobThread(std::string thread_name);
  ~JobThread();
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  void post(std::function<void()> job);
  // Runs every job posted before this call, then returns (for shutdown and tests).
  void drain();

 private:
  void run();

  std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> jobs_;
  bool busy_ = false;
  bool quitting_ = false;
  std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace mosaic::ui
