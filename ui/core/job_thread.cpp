#include "ui/core/job_thread.h"

#include <pthread.h>

namespace mosaic::ui {

JobThread::JobThread(std::string thread_name)
    : name_(std::move(thread_name)), thread_([this] { run(); }) {}

JobThread::~JobThread() {
  {
    std::lock_guard lock(mutex_);
    quitting_ = true;
    jobs_.clear();
  }
  wake_.notify_one();
  thread_.join();
}

void JobThread::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void JobThread::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return quitting_ || (jobs_.empty() && !busy_); });
}

void JobThread::run() {
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      busy_ = false;
      idle_.notify_all();
      wake_.wait(lock, [this] { return quitting_ || !jobs_.empty(); });
      if (quitting_) break;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
    }
    job();
  }
  std::lock_guard lock(mutex_);
  busy_ = false;
  idle_.notify_all();
}

}  // namespace mosaic::ui
