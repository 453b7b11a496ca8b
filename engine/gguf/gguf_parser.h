// Parses and validates one GGUF file held in memory (one part of a model).
// Internal to engine/gguf; public only for the tests and the fuzz harness,
// which parse bytes without writing files.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/gguf/gguf_metadata.h"
#include "engine/gguf/gguf_reader.h"

namespace mosaic::gguf {

struct ParsedFile {
  uint32_t version = 0;
  uint32_t alignment = 0;
  uint64_t data_offset = 0;  // file offset of the data section
  Metadata metadata;
  std::vector<TensorInfo> tensors;  // data pointers into the parsed bytes; split_index 0
};

struct ParseOptions {
  bool allow_unsupported_types = false;
  // Local progress in [0, 1]; returning false throws Error(Cancelled).
  std::function<bool(float)> progress;
};

// `name` prefixes every error message (normally the file path). Checks the
// header, every key/value, every tensor info and that tensor data lies in
// `bytes` without overlapping; duplicate keys and tensor names are errors.
ParsedFile parse_gguf(std::span<const uint8_t> bytes, const std::string& name,
                      const ParseOptions& options = {});

}  // namespace mosaic::gguf
