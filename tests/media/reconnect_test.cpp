// A live source whose device disappears and comes back (a camera unplugged
// and plugged in again): it waits in Reconnecting, reopens, and frames flow
// again; stop() is prompt at any point. Devices are simulated, since these
// machines have none.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "media/capture/frame_source.h"
#include "media/core/media_error.h"

namespace mosaic::media {
namespace {

using namespace std::chrono_literals;

// A device that can be "unplugged": grab() then fails like a V4L2 read
// on a vanished device, and open() fails like a missing /dev/videoN.
class PluggableSource final : public ThreadedFrameSource {
 public:
  explicit PluggableSource(LostDevice policy)
      : ThreadedFrameSource("test-plug", 4, policy, /*reopen_interval_ms=*/30) {}
  ~PluggableSource() override { stop(); }

  std::atomic<bool> plugged{true};
  std::atomic<int> opens{0};

 protected:
  void open() override {
    if (!plugged) fail(MediaErrorKind::NoDevice, "/dev/video9: no such camera");
    ++opens;
  }
  std::optional<RgbFrame> grab() override {
    std::this_thread::sleep_for(2ms);
    if (!plugged) fail(MediaErrorKind::Io, "/dev/video9: read failed (device lost)");
    RgbFrame frame;
    frame.width = 2;
    frame.height = 2;
    frame.pixels.assign(12, static_cast<uint8_t>(opens.load()));
    frame.pts_us = ++count_ * 1000;
    return frame;
  }
  void close() override {}

 private:
  int64_t count_ = 0;
};

bool wait_for_state(const FrameSource& s, CaptureState wanted) {
  for (int i = 0; i < 200; ++i) {
    if (s.state() == wanted) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(Reconnect, UnpluggedCameraIsReopenedWhenItReturns) {
  PluggableSource source(LostDevice::Reopen);
  source.start();
  ASSERT_TRUE(source.next_frame(1000));
  EXPECT_EQ(source.opens, 1);

  source.plugged = false;
  ASSERT_TRUE(wait_for_state(source, CaptureState::Reconnecting)) << source.status_message();
  EXPECT_NE(source.status_message().find("device lost"), std::string::npos);
  std::this_thread::sleep_for(100ms);  // several failed reopen attempts
  EXPECT_EQ(source.state(), CaptureState::Reconnecting);

  source.plugged = true;
  ASSERT_TRUE(wait_for_state(source, CaptureState::Running)) << source.status_message();
  EXPECT_EQ(source.opens, 2);
  // Frames from the reopened device (their pixels carry the open count).
  bool fresh = false;
  for (int i = 0; i < 20 && !fresh; ++i) {
    auto frame = source.next_frame(1000);
    ASSERT_TRUE(frame);
    fresh = frame->pixels[0] == 2;
  }
  EXPECT_TRUE(fresh);
}

TEST(Reconnect, StopIsPromptWhileWaitingForTheDevice) {
  PluggableSource source(LostDevice::Reopen);
  source.start();
  source.plugged = false;
  ASSERT_TRUE(wait_for_state(source, CaptureState::Reconnecting));
  const auto t0 = std::chrono::steady_clock::now();
  source.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  EXPECT_NE(source.state(), CaptureState::Running);
}

TEST(Reconnect, WithoutReopenALostDeviceFails) {
  PluggableSource source(LostDevice::Fail);
  source.start();
  source.plugged = false;
  ASSERT_TRUE(wait_for_state(source, CaptureState::Failed));
  EXPECT_FALSE(source.next_frame(50).has_value() && source.state() == CaptureState::Running);
}

}  // namespace
}  // namespace mosaic::media
