// The one thing watch mode needs from a model: "here are some camera frames
// and a question, answer it". Kept free of engine and UI types so that the
// engine-backed implementation (app/turns) and test fakes plug in alike, and
// so this library builds and tests without a model.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/core/rgb_frame.h"

namespace mosaic::watch {

struct FrameQuestion {
  std::vector<media::RgbFrame> frames;  // oldest first, each with its pts
  std::string text;                     // the full question sent with the frames
};

struct FrameAnswer {
  std::string text;
};

// What a questioner may throw when `cancelled()` turned true mid-answer.
class WatchCancelled : public std::runtime_error {
 public:
  WatchCancelled() : std::runtime_error("the question was cancelled") {}
};

// Asks a vision model about frames. Blocking; called from one watch thread at a
// time. `cancelled` is polled; when it returns true the call should return soon
// (throwing WatchCancelled or returning whatever it has). Errors: throws std::exception
// with a user-readable message.
class FrameQuestioner {
 public:
  virtual ~FrameQuestioner() = default;
  virtual FrameAnswer ask(const FrameQuestion& question,
                          const std::function<bool()>& cancelled) = 0;
};

}  // namespace mosaic::watch
