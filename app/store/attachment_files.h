// Attachment bytes live on disk, content-addressed by SHA-256:
// <data_dir>/attachments/<first 2 hex digits>/<sha256>. The same bytes are
// stored once however often they are attached.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mosaic::store {

// Lowercase hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// True for 64 lowercase hex digits (guards path_of against "../" and such).
bool is_sha256_hex(std::string_view text);

std::filesystem::path attachment_path(const std::filesystem::path& attachments_dir,
                                      std::string_view sha256);

// Writes `bytes` to `destination` so that a reader (or a crash) sees either no
// file or the complete file: temp file in the same directory, fsync, rename,
// fsync of the directory. Creates missing directories. Throws StoreError(Io).
void write_file_atomically(const std::filesystem::path& destination, std::string_view bytes);

// Whole file into memory; throws StoreError(Io) naming the file on failure.
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace mosaic::store
