#include "app/watch/ask_about_frames.h"

#include <algorithm>

#include "app/watch/watch_prompt.h"

namespace mosaic::watch {

std::optional<FrameQuestion> question_about_frames(const std::vector<media::RgbFrame>& sampled,
                                                   const std::optional<media::RgbFrame>& latest,
                                                   const std::string& user_question,
                                                   size_t frame_count) {
  const size_t wanted = std::clamp<size_t>(frame_count, 1, kMaxFramesPerQuestion);
  const bool latest_is_newer =
      latest && !latest->empty() && (sampled.empty() || latest->pts_us > sampled.back().pts_us);
  const size_t from_samples = std::min(sampled.size(), latest_is_newer ? wanted - 1 : wanted);

  FrameQuestion question;
  question.frames.assign(sampled.end() - static_cast<std::ptrdiff_t>(from_samples), sampled.end());
  if (latest_is_newer) question.frames.push_back(*latest);
  if (question.frames.empty()) return std::nullopt;
  question.text = camera_question_text(user_question, question.frames);
  return question;
}

std::optional<FrameQuestion> question_about_what_you_see(const RecentFrames& recent,
                                                         const media::FrameSource& source,
                                                         const std::string& user_question,
                                                         size_t frame_count) {
  std::vector<media::RgbFrame> sampled;
  for (SampledFrame& sample :
       recent.newest(std::clamp<size_t>(frame_count, 1, kMaxFramesPerQuestion))) {
    sampled.push_back(std::move(sample.frame));
  }
  return question_about_frames(sampled, source.latest_frame(), user_question, frame_count);
}

}  // namespace mosaic::watch
