#include "tests/media/pdf_writer.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace mosaic::media::test {
namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

// PDF literal strings escape backslash and parentheses.
std::string pdf_string(const std::string& text) {
  std::string out = "(";
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out + ")";
}

}  // namespace

void PdfWriter::add_text_page(const std::vector<std::string>& lines, double font_size_pt,
                              double width_pt, double height_pt) {
  std::ostringstream content;
  content << "BT /F1 " << number(font_size_pt) << " Tf " << number(font_size_pt * 1.3) << " TL 72 "
          << number(height_pt - 72) << " Td\n";
  for (const std::string& line : lines) content << pdf_string(line) << " Tj T*\n";
  content << "ET\n";
  pages_.push_back(Page{width_pt, height_pt, content.str(), std::nullopt});
}

void PdfWriter::add_image_page(const RgbFrame& picture, double width_pt, double height_pt) {
  const std::string content =
      "q " + number(width_pt - 72) + " 0 0 " + number(height_pt - 72) + " 36 36 cm /Im1 Do Q\n";
  pages_.push_back(Page{width_pt, height_pt, content, picture});
}

void PdfWriter::add_rectangle_page(double x, double y, double w, double h, double r, double g,
                                   double b, double width_pt, double height_pt) {
  const std::string content = number(r) + " " + number(g) + " " + number(b) + " rg " + number(x) +
                              " " + number(y) + " " + number(w) + " " + number(h) + " re f\n";
  pages_.push_back(Page{width_pt, height_pt, content, std::nullopt});
}

void PdfWriter::add_blank_page(double width_pt, double height_pt) {
  pages_.push_back(Page{width_pt, height_pt, "", std::nullopt});
}

std::string PdfWriter::build() const {
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;  // byte offset of object n at index n - 1
  auto begin_object = [&](int id) {
    if (static_cast<int>(offsets.size()) < id) offsets.resize(static_cast<size_t>(id));
    offsets[static_cast<size_t>(id) - 1] = out.size();
    out += std::to_string(id) + " 0 obj\n";
  };

  // Objects 1-3: catalog, page tree, font. Then per page: page, content, picture.
  std::vector<int> page_ids;
  int next_id = 4;
  for (const Page& page : pages_) {
    page_ids.push_back(next_id);
    next_id += page.picture ? 3 : 2;
  }
  begin_object(1);
  out += "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n";
  begin_object(2);
  out += "<< /Type /Pages /Count " + std::to_string(pages_.size()) + " /Kids [";
  for (int id : page_ids) {
    out += ' ';  // appended piecewise: GCC 12 gives a false -Wrestrict on " " + to_string()
    out += std::to_string(id);
    out += " 0 R";
  }
  out += " ] >>\nendobj\n";
  begin_object(3);
  out +=
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\n"
      "endobj\n";

  for (size_t i = 0; i < pages_.size(); ++i) {
    const Page& page = pages_[i];
    const int id = page_ids[i];
    begin_object(id);
    out += "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + number(page.width_pt) + " " +
           number(page.height_pt) + "] /Contents " + std::to_string(id + 1) +
           " 0 R /Resources << /Font << /F1 3 0 R >>";
    if (page.picture) out += " /XObject << /Im1 " + std::to_string(id + 2) + " 0 R >>";
    out += " >> >>\nendobj\n";
    begin_object(id + 1);
    out += "<< /Length " + std::to_string(page.content.size()) + " >>\nstream\n" + page.content +
           "\nendstream\nendobj\n";
    if (page.picture) {
      const RgbFrame& picture = *page.picture;
      begin_object(id + 2);
      out += "<< /Type /XObject /Subtype /Image /Width " + std::to_string(picture.width) +
             " /Height " + std::to_string(picture.height) +
             " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length " +
             std::to_string(picture.pixels.size()) + " >>\nstream\n";
      out.append(reinterpret_cast<const char*>(picture.pixels.data()), picture.pixels.size());
      out += "\nendstream\nendobj\n";
    }
  }

  const size_t xref_offset = out.size();
  out += "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof(entry), "%010zu 00000 n \n", offset);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(offsets.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref_offset) + "\n%%EOF\n";
  return out;
}

void PdfWriter::write(const std::filesystem::path& path) const {
  const std::string bytes = build();
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace mosaic::media::test
