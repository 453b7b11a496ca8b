#include "media/capture/frame_source.h"

#include <pthread.h>

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
  }
  return "unknown";
}

ThreadedFrameSource::ThreadedFrameSource(const std::string& thread_name, size_t queue_capacity)
    : thread_name_(thread_name.substr(0, 15)), queue_(queue_capacity) {}

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

void ThreadedFrameSource::run() {
  try {
    while (!stop_requested()) {
      std::optional<RgbFrame> frame = grab();
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
