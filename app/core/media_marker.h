// Where pictures go in a prompt: the text carries one marker per picture
// (as llama.cpp's multimodal tools do), the chat template renders it like
// any text, and the rendered prompt is cut at the markers into text and
// image chunks for the engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mosaic::app {

inline constexpr std::string_view kMediaMarker = "<__media__>";

// The text pieces around the markers: always markers + 1 pieces (some may
// be empty).
std::vector<std::string_view> split_at_media_markers(std::string_view prompt);

// Number of markers in `text`.
size_t count_media_markers(std::string_view text);

// `text` with any marker it contains broken up ("<__media__>" becomes
// "<_ _media__>"), for text that comes from people or the model: only the
// prompt builder places markers, so typed text can never claim a picture.
std::string without_media_markers(std::string_view text);

}  // namespace mosaic::app
