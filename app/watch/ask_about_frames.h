// "Ask about what you see": a question from the user about the camera,
// turned into the frames and text to send through the chat. The frames are
// the latest sampled ones (watch mode's history), so a question can be about
// what changed; when the camera holds a newer picture than the newest
// sample, that picture takes the last place, because "what do you see" means
// now. Without any sample the camera's latest picture is sent alone.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "app/watch/frame_questioner.h"
#include "app/watch/recent_frames.h"
#include "media/capture/frame_source.h"
#include "media/core/rgb_frame.h"

namespace mosaic::watch {

// Every question carries at most this many frames: each picture costs the
// vision encoder hundreds of tokens and the model seconds.
inline constexpr size_t kMaxFramesPerQuestion = 4;

// sampled: oldest first. frame_count is clamped to 1..kMaxFramesPerQuestion.
// nullopt when there is no frame at all (no camera, or nothing captured yet).
std::optional<FrameQuestion> question_about_frames(const std::vector<media::RgbFrame>& sampled,
                                                   const std::optional<media::RgbFrame>& latest,
                                                   const std::string& user_question,
                                                   size_t frame_count);

// The same from a sample history and a live source.
std::optional<FrameQuestion> question_about_what_you_see(const RecentFrames& recent,
                                                         const media::FrameSource& source,
                                                         const std::string& user_question,
                                                         size_t frame_count);

}  // namespace mosaic::watch
