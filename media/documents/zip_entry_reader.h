// Reads one member of a ZIP archive (DOCX and ODT are ZIP files) with a size
// cap, so a zip bomb fails with TooLarge instead of exhausting memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace mosaic::media {

// Throws MediaError: NotFound (file or member), Unsupported (not a ZIP),
// Corrupt (bad archive or checksum), TooLarge (member over max_bytes).
std::string read_zip_entry(const std::filesystem::path& archive, const std::string& member,
                           int64_t max_bytes);

// Whether the archive has the member; false for files that are not ZIPs.
bool zip_has_entry(const std::filesystem::path& archive, const std::string& member);

}  // namespace mosaic::media
