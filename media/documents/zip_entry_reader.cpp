#include "media/documents/zip_entry_reader.h"

#include <fmt/format.h>
#include <zip.h>

#include <memory>

#include "media/core/media_error.h"

namespace mosaic::media {
namespace {

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct EntryCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

std::unique_ptr<zip_t, ArchiveCloser> open_archive(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    fail(MediaErrorKind::NotFound, fmt::format("{}: no such file", name));
  }
  int code = 0;
  zip_t* archive = zip_open(name.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (archive == nullptr) {
    zip_error_t zip_error;
    zip_error_init_with_code(&zip_error, code);
    const std::string reason = zip_error_strerror(&zip_error);
    zip_error_fini(&zip_error);
    switch (code) {
      case ZIP_ER_NOZIP:
        fail(MediaErrorKind::Unsupported, fmt::format("{}: not a ZIP archive", name));
      case ZIP_ER_OPEN:
      case ZIP_ER_READ:
        fail(MediaErrorKind::Io, fmt::format("{}: {}", name, reason));
      default:
        fail(MediaErrorKind::Corrupt, fmt::format("{}: damaged ZIP archive: {}", name, reason));
    }
  }
  return std::unique_ptr<zip_t, ArchiveCloser>(archive);
}

}  // namespace

bool zip_has_entry(const std::filesystem::path& archive, const std::string& member) {
  try {
    auto zip = open_archive(archive);
    return zip_name_locate(zip.get(), member.c_str(), 0) >= 0;
  } catch (const MediaError&) {
    return false;
  }
}

std::string read_zip_entry(const std::filesystem::path& path, const std::string& member,
                           int64_t max_bytes) {
  const std::string name = path.string();
  auto archive = open_archive(path);
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive.get(), member.c_str(), 0, &stat) != 0) {
    fail(MediaErrorKind::NotFound, fmt::format("{}: the archive has no {}", name, member));
  }
  if ((stat.valid & ZIP_STAT_SIZE) == 0) {
    fail(MediaErrorKind::Corrupt, fmt::format("{}: {} has no recorded size", name, member));
  }
  if (stat.size > static_cast<zip_uint64_t>(max_bytes)) {
    fail(MediaErrorKind::TooLarge, fmt::format("{}: {} unpacks to {} bytes, the limit is {}", name,
                                               member, stat.size, max_bytes));
  }
  std::unique_ptr<zip_file_t, EntryCloser> entry(zip_fopen(archive.get(), member.c_str(), 0));
  if (!entry) {
    fail(MediaErrorKind::Unsupported,
         fmt::format("{}: cannot open {}: {}", name, member, zip_strerror(archive.get())));
  }
  std::string data(stat.size, '\0');
  zip_uint64_t total = 0;
  while (total < stat.size) {
    const zip_int64_t got = zip_fread(entry.get(), data.data() + total, stat.size - total);
    if (got < 0) {
      fail(MediaErrorKind::Corrupt,
           fmt::format("{}: {} is damaged: {}", name, member, zip_file_strerror(entry.get())));
    }
    if (got == 0) break;
    total += static_cast<zip_uint64_t>(got);
  }
  if (total != stat.size) {
    fail(MediaErrorKind::Truncated,
         fmt::format("{}: {} ends after {} of {} bytes", name, member, total, stat.size));
  }
  return data;
}

}  // namespace mosaic::media
