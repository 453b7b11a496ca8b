#include "app/core/media_marker.h"

namespace mosaic::app {

std::vector<std::string_view> split_at_media_markers(std::string_view prompt) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  for (size_t at; (at = prompt.find(kMediaMarker, start)) != std::string_view::npos;) {
    pieces.push_back(prompt.substr(start, at - start));
    start = at + kMediaMarker.size();
  }
  pieces.push_back(prompt.substr(start));
  return pieces;
}

size_t count_media_markers(std::string_view text) {
  return split_at_media_markers(text).size() - 1;
}

std::string without_media_markers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const std::vector<std::string_view> pieces = split_at_media_markers(text);
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i > 0) out += "<_ _media__>";
    out += pieces[i];
  }
  return out;
}

}  // namespace mosaic::app
