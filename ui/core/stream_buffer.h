// Text of a streaming reply handed from the engine thread to the GUI thread.
// The engine appends each piece; the GUI takes everything accumulated at its
// own pace (a ~30 Hz timer), so any generation speed costs the GUI at most
// one model update per frame.
#pragma once

#include <mutex>
#include <string>

#include "app/turns/reasoning_splitter.h"

namespace mosaic::ui {

class StreamBuffer {
 public:
  void append(const turns::SplitText& piece) {
    std::lock_guard lock(mutex_);
    pending_.reasoning += piece.reasoning;
    pending_.answer += piece.answer;
  }
  // Everything appended since the last take (empty strings when nothing was).
  turns::SplitText take() {
    std::lock_guard lock(mutex_);
    turns::SplitText out = std::move(pending_);
    pending_ = {};
    return out;
  }

 private:
  std::mutex mutex_;
  turns::SplitText pending_;
};

}  // namespace mosaic::ui
