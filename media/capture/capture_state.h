// Where a live source or sink stands, for status displays: a missing device
// is a normal state to show the user ("no microphone"), not a crash.
#pragma once

namespace mosaic::media {

enum class CaptureState {
  Stopped,       // created or stopped by the caller
  Running,       // delivering data
  Finished,      // a file-backed source reached its end
  NoDevice,      // no camera, microphone or speaker to use
  Failed,        // the device or file failed while running; see status_message()
  Reconnecting,  // the device went away (unplugged); waiting for it to come back
};

// What a live source does when its device disappears while running.
enum class LostDevice {
  Fail,    // stop with CaptureState::Failed (files: the error is final)
  Reopen,  // keep trying to open it again (cameras: replugged, driver reset)
};

// How a file standing in for a device delivers its content.
enum class Pacing { RealTime, AsFastAsPossible };

const char* capture_state_name(CaptureState state);

}  // namespace mosaic::media
