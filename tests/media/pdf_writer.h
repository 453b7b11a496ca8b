// A minimal PDF generator for tests: pages of Helvetica text, pages holding
// only an embedded picture (what a scanner produces), pages with filled
// rectangles, and blank pages. Uncompressed, with a correct cross-reference
// table, so any conforming reader opens it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "media/core/rgb_frame.h"

namespace mosaic::media::test {

class PdfWriter {
 public:
  // Lines top to bottom, starting 72 pt below the top edge, left margin 72 pt.
  void add_text_page(const std::vector<std::string>& lines, double font_size_pt = 18,
                     double width_pt = 612, double height_pt = 792);
  // The picture drawn over the page inset by 36 pt, no text at all.
  void add_image_page(const RgbFrame& picture, double width_pt = 612, double height_pt = 792);
  // A filled rectangle in an RGB colour (components 0..1) at (x, y, w, h) in pt.
  void add_rectangle_page(double x, double y, double w, double h, double r, double g, double b,
                          double width_pt = 200, double height_pt = 100);
  void add_blank_page(double width_pt = 612, double height_pt = 792);

  std::string build() const;
  void write(const std::filesystem::path& path) const;

 private:
  struct Page {
    double width_pt, height_pt;
    std::string content;
    std::optional<RgbFrame> picture;
  };
  std::vector<Page> pages_;
};

}  // namespace mosaic::media::test
