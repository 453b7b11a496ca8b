#include "app/watch/watch_prompt.h"

#include <cstdio>

namespace mosaic::watch {
namespace {

// "1 picture from a live camera, taken at 3.0 s" / "3 pictures ..., oldest
// first, taken at 1.0 s, 2.0 s and 3.0 s": the model needs the order and
// spacing to reason about change.
std::string describe_frames(const std::vector<media::RgbFrame>& frames) {
  if (frames.empty()) return "no picture from the camera";
  std::string text = frames.size() == 1 ? "1 picture from a live camera, taken at "
                                        : std::to_string(frames.size()) +
                                              " pictures from a live camera, oldest first, "
                                              "taken at ";
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i > 0) text += (i + 1 == frames.size()) ? " and " : ", ";
    text += format_stream_time(frames[i].pts_us);
  }
  return text;
}

}  // namespace

std::string format_stream_time(int64_t pts_us) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(pts_us) / 1e6);
  return buffer;
}

std::string watch_question_text(const std::string& instruction,
                                const std::vector<media::RgbFrame>& frames) {
  std::string text = "You are watching " + describe_frames(frames) + ".\n";
  text += "The user's standing instruction: " + instruction + "\n\n";
  text += "Reply in exactly one of these two forms and add nothing else:\n";
  text += std::string(kNothingWord) +
          "\n    when nothing the instruction asks about is happening in the pictures;\n";
  text += std::string(kEventWord) +
          ": <one sentence saying what happened>\n    when it is happening.\n";
  return text;
}

std::string camera_question_text(const std::string& user_question,
                                 const std::vector<media::RgbFrame>& frames) {
  // The question first: it is what the chat shows and what titles a new chat.
  return user_question + "\n\n(Attached: " + describe_frames(frames) + ".)";
}

}  // namespace mosaic::watch
