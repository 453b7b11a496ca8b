#include "media/capture/frame_source.h"

#include <pthread.h>

#include <chrono>

#include "media/core/media_error.h"

namespace mosaic::media {

const char* capture_state_name(CaptureState state) {
  switch (state) {
    case CaptureState::Stopped:
      return "stopped";
    case CaptureState::Running:
      return "running";
    case CaptureState::Finished:
      return "finished";
    case CaptureState::NoDevice:
      return "no device";
    case CaptureState::Failed:
      return "failed";
    case CaptureState::Reconnecting:
      return "reconnecting";
  }
  return "unknown";
}

ThreadedFrameSource::ThreadedFrameSource(const std::string& thread_name, size_t queue_capacity,
                                         LostDevice lost_device, int64_t reopen_interval_ms)
    : thread_name_(thread_name.substr(0, 15)),
      lost_device_(lost_device),
      reopen_interval_ms_(reopen_interval_ms),
      queue_(queue_capacity) {}

ThreadedFrameSource::~ThreadedFrameSource() {
  // Subclasses must call stop() in their destructors (close() is theirs);
  // this only makes sure no thread outlives the object.
  stop_requested_.store(true, std::memory_order_release);
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void ThreadedFrameSource::set_state(CaptureState state, const std::string& message) {
  std::lock_guard lock(state_mutex_);
  state_ = state;
  status_message_ = message;
}

CaptureState ThreadedFrameSource::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

std::string ThreadedFrameSource::status_message() const {
  std::lock_guard lock(state_mutex_);
  return status_message_;
}

void ThreadedFrameSource::start() {
  if (thread_.joinable()) {
    if (state() == CaptureState::Running) return;  // already running
    // The thread ended by itself (end of file, device lost): restart from scratch.
    thread_.join();
    close();
  }
  stop_requested_.store(false, std::memory_order_release);
  queue_.reopen();
  try {
    open();
  } catch (const MediaError& error) {
    set_state(
        error.kind() == MediaErrorKind::NoDevice ? CaptureState::NoDevice : CaptureState::Failed,
        error.what());
    throw;
  }
  set_state(CaptureState::Running, "running");
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), thread_name_.c_str());
}

void ThreadedFrameSource::stop() {
  stop_requested_.store(true, std::memory_order_release);
  queue_.close();
  if (thread_.joinable()) {
    thread_.join();
    close();
  }
  if (state() == CaptureState::Running) set_state(CaptureState::Stopped, "stopped");
}

bool ThreadedFrameSource::wait_and_reopen(const std::string& reason) {
  set_state(CaptureState::Reconnecting, reason + "; waiting for the device to come back");
  try {
    close();
  } catch (const std::exception&) {
    // The device is gone already; nothing left to release cleanly.
  }
  while (!stop_requested()) {
    // Sleep in short steps so stop() is never kept waiting.
    for (int64_t waited = 0; waited < reopen_interval_ms_ && !stop_requested(); waited += 20) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (stop_requested()) break;
    try {
      open();
      set_state(CaptureState::Running, "running (reconnected)");
      return true;
    } catch (const MediaError&) {
      // Still absent: try again after the interval.
    }
  }
  return false;
}

void ThreadedFrameSource::run() {
  try {
    while (!stop_requested()) {
      std::optional<RgbFrame> frame;
      try {
        frame = grab();
      } catch (const MediaError& error) {
        const bool device_lost =
            error.kind() == MediaErrorKind::NoDevice || error.kind() == MediaErrorKind::Io;
        if (lost_device_ != LostDevice::Reopen || !device_lost) throw;
        if (!wait_and_reopen(error.what())) break;
        continue;
      }
      if (!frame) {
        if (!stop_requested()) set_state(CaptureState::Finished, "end of stream");
        break;
      }
      queue_.push(std::move(*frame));
    }
  } catch (const MediaError& error) {
    set_state(CaptureState::Failed, error.what());
  } catch (const std::exception& error) {
    set_state(CaptureState::Failed, std::string("capture failed: ") + error.what());
  }
  queue_.close();  // wake readers: nothing more is coming
}

std::optional<RgbFrame> ThreadedFrameSource::latest_frame() const { return queue_.latest(); }

std::optional<RgbFrame> ThreadedFrameSource::next_frame(int64_t timeout_ms) {
  return queue_.pop(timeout_ms);
}

}  // namespace mosaic::media
