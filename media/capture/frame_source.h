// A stream of pictures from a camera or a stand-in (a video file). Capture
// runs on its own named thread; readers take the newest frame for display
// (latest_frame) or every frame in order from a small queue (next_frame,
// which drops the oldest when the reader falls behind).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "media/capture/capture_state.h"
#include "media/core/frame_queue.h"
#include "media/core/rgb_frame.h"

namespace mosaic::media {

class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // Opens the device or file and starts the capture thread. Throws MediaError
  // (NoDevice, NotFound, ...) when it cannot start; state() says the same.
  virtual void start() = 0;
  // Stops the thread and releases the device; safe to call repeatedly.
  virtual void stop() = 0;

  virtual std::optional<RgbFrame> latest_frame() const = 0;
  // The oldest queued frame, waiting up to timeout_ms; nullopt on timeout or
  // when the source has stopped or finished and the queue is empty.
  virtual std::optional<RgbFrame> next_frame(int64_t timeout_ms) = 0;

  virtual CaptureState state() const = 0;
  virtual std::string status_message() const = 0;
};

// Shared machinery: the thread, the queue and the state. Subclasses open
// their device in open(), return frames from grab() until it returns nullopt
// (end of stream), and release the device in close().
class ThreadedFrameSource : public FrameSource {
 public:
  ~ThreadedFrameSource() override;

  void start() override;
  void stop() override;
  std::optional<RgbFrame> latest_frame() const override;
  std::optional<RgbFrame> next_frame(int64_t timeout_ms) override;
  CaptureState state() const override;
  std::string status_message() const override;

  uint64_t dropped_frames() const { return queue_.dropped_count(); }

 protected:
  // thread_name: at most 15 characters (Linux limit), shown in debuggers and top.
  // With LostDevice::Reopen, a grab() that throws NoDevice or Io closes the
  // device and open() is retried every reopen_interval_ms until it works or
  // stop() is called; the state is Reconnecting meanwhile.
  ThreadedFrameSource(const std::string& thread_name, size_t queue_capacity,
                      LostDevice lost_device = LostDevice::Fail, int64_t reopen_interval_ms = 1000);

  virtual void open() = 0;
  virtual std::optional<RgbFrame> grab() = 0;
  virtual void close() = 0;

  bool stop_requested() const { return stop_requested_.load(std::memory_order_acquire); }
  FrameQueue& queue() { return queue_; }
  void set_state(CaptureState state, const std::string& message);

 private:
  void run();
  // Returns true when the device is open again, false when stop() came first.
  bool wait_and_reopen(const std::string& reason);

  std::string thread_name_;
  LostDevice lost_device_;
  int64_t reopen_interval_ms_;
  FrameQueue queue_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  mutable std::mutex state_mutex_;
  CaptureState state_ = CaptureState::Stopped;
  std::string status_message_ = "stopped";
};

}  // namespace mosaic::media
