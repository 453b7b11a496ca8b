// The words sent with camera frames. Watch mode wraps the user's standing
// instruction in a prompt that asks for a reply in a form a program can check
// ("NOTHING" or "EVENT: <one sentence>"), because an alert must only fire
// when the model says something happened, not whenever it says anything.
#pragma once

#include <string>
#include <vector>

#include "media/core/rgb_frame.h"

namespace mosaic::watch {

// The exact first words the watch prompt asks the model to start with.
inline constexpr const char* kNothingWord = "NOTHING";
inline constexpr const char* kEventWord = "EVENT";

// The full watch question for frames (oldest first) under a standing
// instruction such as "tell me when someone enters".
std::string watch_question_text(const std::string& instruction,
                                const std::vector<media::RgbFrame>& frames);

// A one-off question about what the camera shows ("what is on the desk?"):
// the user's question unchanged, then what the pictures are.
std::string camera_question_text(const std::string& user_question,
                                 const std::vector<media::RgbFrame>& frames);

// "12.3 s": a frame's time in the stream, as the prompts show it.
std::string format_stream_time(int64_t pts_us);

}  // namespace mosaic::watch
