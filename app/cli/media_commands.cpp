// mosaic-cli media-info FILE: what a picture, audio, video or PDF file holds.
// mosaic-cli extract-text FILE [--ocr]: the text of a PDF, DOCX, ODT or text file.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/cli_error.h"
#include "app/cli/subcommands.h"
#include "media/core/media_error.h"
#include "media/decode/ffmpeg_logging.h"
#include "media/decode/media_probe.h"
#include "media/documents/document_loader.h"
#include "media/documents/pdf_document.h"
#include "media/documents/poppler_logging.h"

namespace mosaic::cli {
namespace {

using namespace mosaic::media;

// The libraries' own stderr chatter repeats what the MediaError says.
void quiet_media_libraries() {
  set_ffmpeg_logging(LibraryLogging::ErrorsOnly);
  set_poppler_logging(LibraryLogging::Silent);
}

std::string format_duration(int64_t duration_ms) {
  if (duration_ms <= 0) return "unknown";
  const int64_t seconds = duration_ms / 1000;
  return fmt::format("{}:{:02}.{:03} ({} ms)", seconds / 60, seconds % 60, duration_ms % 1000,
                     duration_ms);
}

void print_pdf_info(const std::string& path) {
  const PdfDocument pdf(path);
  fmt::print("file:      {}\nformat:    PDF\npages:     {}\n", path, pdf.page_count());
  for (int page = 1; page <= pdf.page_count(); ++page) {
    const PageSize size = pdf.page_size(page);
    fmt::print("  page {:>3}: {:.0f} x {:.0f} pt, {}\n", page, size.width_pt, size.height_pt,
               page_content_name(pdf.classify_page(page)));
  }
}

void print_media_info(const std::string& path) {
  const MediaInfo info = media_info(path);
  fmt::print("file:      {} ({} bytes)\n", info.path, info.size_bytes);
  fmt::print("container: {} ({})\n", info.container, info.container_long_name);
  fmt::print("duration:  {}\n", format_duration(info.duration_ms));
  for (const StreamInfo& stream : info.streams) {
    fmt::print("stream {}:  {} {}", stream.index, stream_kind_name(stream.kind), stream.codec);
    if (stream.kind == StreamKind::Video) {
      fmt::print(", {} x {}", stream.width, stream.height);
      if (stream.still_image) {
        fmt::print(", still image");
      } else if (stream.frames_per_second > 0) {
        fmt::print(", {:.3g} fps", stream.frames_per_second);
      }
    } else if (stream.kind == StreamKind::Audio) {
      fmt::print(", {} Hz, {} channel{}", stream.sample_rate_hz, stream.channels,
                 stream.channels == 1 ? "" : "s");
    }
    if (stream.duration_ms > 0) fmt::print(", {} ms", stream.duration_ms);
    fmt::print("\n");
  }
}

int run_media_info(const std::string& path) {
  quiet_media_libraries();
  try {
    if (looks_like_pdf(path)) {
      print_pdf_info(path);
    } else {
      print_media_info(path);
    }
  } catch (const MediaError& error) {
    throw CommandError(error.what());
  }
  return kExitOk;
}

struct ExtractOptions {
  std::string path;
  ScannedPageHandling scanned_pages = ScannedPageHandling::Skip;
};

int run_extract_text(const ExtractOptions& options) {
  quiet_media_libraries();
  DocumentText text;
  try {
    DocumentOptions document_options;
    document_options.scanned_pages = options.scanned_pages;
    text = extract_document_text(options.path, document_options);
  } catch (const MediaError& error) {
    throw CommandError(error.what());
  }
  for (const TextPassage& passage : text.passages) {
    // Page headers let a reader (or a script) cite where text came from.
    if (passage.page_number > 0) {
      fmt::print("=== page {}{} ===\n", passage.page_number,
                 passage.origin == PassageOrigin::Ocr ? " (OCR)" : "");
    }
    fmt::print("{}{}", passage.text, passage.text.ends_with('\n') ? "" : "\n");
  }
  std::fflush(stdout);
  fmt::print(stderr, "{}: {} passage{}{}\n", document_kind_name(text.kind), text.passages.size(),
             text.passages.size() == 1 ? "" : "s",
             text.detected_encoding.empty() ? "" : ", encoding " + text.detected_encoding);
  return kExitOk;
}

}  // namespace

Subcommand add_media_info_command(CLI::App& parent) {
  auto path = std::make_shared<std::string>();
  CLI::App* app = parent.add_subcommand(
      "media-info", "Describe a picture, audio, video or PDF file (streams, codecs, pages)");
  app->add_option("FILE", *path, "File to describe")->required();
  return {app, [path] { return run_media_info(*path); }};
}

Subcommand add_extract_text_command(CLI::App& parent) {
  auto options = std::make_shared<ExtractOptions>();
  CLI::App* app = parent.add_subcommand(
      "extract-text", "Print the text of a PDF, DOCX, ODT or plain-text file (any encoding)");
  app->add_option("FILE", options->path, "Document to read")->required();
  app->add_flag_callback(
      "--ocr", [options] { options->scanned_pages = ScannedPageHandling::Ocr; },
      "Read scanned PDF pages (pictures without a text layer) with Tesseract OCR");
  return {app, [options] { return run_extract_text(*options); }};
}

}  // namespace mosaic::cli
