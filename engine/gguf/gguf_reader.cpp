#include "engine/gguf/gguf_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/error.h"
#include "engine/gguf/gguf_format.h"
#include "engine/gguf/gguf_parser.h"
#include "engine/gguf/gguf_split.h"
#include "engine/gguf/mapped_file.h"

namespace mosaic::gguf {

// Behind a pointer so that moving a GgufFile never moves the tensor names the
// index points into.
struct GgufFile::State {
  std::string path;
  std::vector<std::string> part_paths;
  std::vector<MappedFile> maps;
  Metadata metadata;
  uint32_t version = 0;
  std::vector<TensorInfo> tensors;
  std::unordered_map<std::string_view, size_t> index;
  uint64_t total_bytes = 0;
};

namespace {

struct Part {
  std::string path;
  MappedFile map;
  ParsedFile parsed;
};

// Parses one file; its local progress is mapped to [slot, slot + 1] / n_slots
// of the whole open().
Part open_part(const std::string& path, const OpenOptions& options, int slot, int n_slots) {
  Part part{path,
            MappedFile::open(path, options.residency == Residency::HugePageCopy
                                       ? MappedFile::Backing::HugePageCopy
                                       : MappedFile::Backing::FileMap),
            {}};
  ParseOptions po;
  po.allow_unsupported_types = options.allow_unsupported_types;
  if (options.progress) {
    po.progress = [&options, slot, n_slots](float f) {
      return options.progress((static_cast<float>(slot) + f) / static_cast<float>(n_slots));
    };
  }
  part.parsed = parse_gguf(part.map.bytes(), path, po);
  return part;
}

[[noreturn]] void format_fail(const std::string& path, const std::string& msg) {
  fail(ErrorCode::Format, path + ": " + msg);
}

// split.count of a part (1 when absent).
uint64_t split_count_of(const Part& p) {
  const std::optional<uint64_t> n = p.parsed.metadata.get_uint(kKeySplitCount);
  if (n && (*n == 0 || *n > static_cast<uint64_t>(kMaxSplitCount))) {
    format_fail(p.path, std::string(kKeySplitCount) + " is " + std::to_string(*n) +
                            "; it must be between 1 and " + std::to_string(kMaxSplitCount));
  }
  return n.value_or(1);
}

// Opens every part of a split model, given the part the user named.
std::vector<Part> open_split(Part given, uint64_t count, const OpenOptions& options) {
  const std::string given_path = given.path;
  const std::optional<uint64_t> no = given.parsed.metadata.get_uint(kKeySplitNo);
  if (!no) {
    format_fail(given_path, "has split.count = " + std::to_string(count) + " but no split.no");
  }
  if (*no >= count) {
    format_fail(given_path, "split.no is " + std::to_string(*no) + ", but split.count is only " +
                                std::to_string(count));
  }
  const int n = static_cast<int>(count);
  const std::optional<SplitName> name = parse_split_path(given_path);
  if (!name || name->count != n || name->index != static_cast<int>(*no)) {
    format_fail(given_path, "is part " + std::to_string(*no + 1) + " of a model split into " +
                                std::to_string(n) + " files, but its name does not end in '" +
                                split_path("", static_cast<int>(*no), n) +
                                "', which is needed to find the other parts");
  }

  std::vector<std::optional<Part>> parts(n);
  const int given_index = static_cast<int>(*no);
  parts[given_index] = std::move(given);
  int slot = 1;
  for (int i = 0; i < n; ++i) {
    if (i == given_index) continue;
    const std::string path = split_path(name->prefix, i, n);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
      fail(ErrorCode::Io,
           "model is split into " + std::to_string(n) + " files but '" + path + "' was not found");
    }
    Part p = open_part(path, options, slot++, n);
    const uint64_t c = split_count_of(p);
    if (c != count) {
      format_fail(path, "split.count is " + std::to_string(c) + ", but '" + given_path + "' says " +
                            std::to_string(count));
    }
    const std::optional<uint64_t> pno = p.parsed.metadata.get_uint(kKeySplitNo);
    if (!pno || *pno != static_cast<uint64_t>(i)) {
      format_fail(path, "split.no is " + (pno ? std::to_string(*pno) : std::string("missing")) +
                            ", expected " + std::to_string(i) + " from the file name");
    }
    parts[i] = std::move(p);
  }
  std::vector<Part> out;
  out.reserve(n);
  for (auto& p : parts) out.push_back(std::move(*p));
  return out;
}

}  // namespace

GgufFile GgufFile::open(const std::string& path, const OpenOptions& options) {
  // The name tells how many parts to expect before the header is read, so
  // progress can be scaled from the start.
  const std::optional<SplitName> name = parse_split_path(path);
  Part first = open_part(path, options, 0, name ? name->count : 1);
  const uint64_t count = split_count_of(first);

  std::vector<Part> parts;
  if (count == 1) {
    const std::optional<uint64_t> no = first.parsed.metadata.get_uint(kKeySplitNo);
    if (no && *no != 0) {
      format_fail(path, "split.no is " + std::to_string(*no) + ", but split.count is 1");
    }
    parts.push_back(std::move(first));
  } else {
    parts = open_split(std::move(first), count, options);
  }

  auto st = std::make_unique<State>();
  st->path = path;
  size_t n_tensors = 0;
  for (const Part& p : parts) n_tensors += p.parsed.tensors.size();
  st->tensors.reserve(n_tensors);
  st->index.reserve(n_tensors);
  for (size_t i = 0; i < parts.size(); ++i) {
    Part& p = parts[i];
    const std::optional<int64_t> declared = p.parsed.metadata.get_int(kKeySplitTensorsCount);
    if (declared && *declared != static_cast<int64_t>(n_tensors)) {
      format_fail(p.path, std::string(kKeySplitTensorsCount) + " is " + std::to_string(*declared) +
                              ", but the " + std::to_string(parts.size()) + " file(s) hold " +
                              std::to_string(n_tensors) + " tensors");
    }
    for (TensorInfo& t : p.parsed.tensors) {
      t.split_index = static_cast<int>(i);
      st->tensors.push_back(std::move(t));
    }
    st->total_bytes += p.map.bytes().size();
    st->part_paths.push_back(p.path);
  }
  // Names within a part were checked by the parser; this catches repeats
  // across parts. tensors is not resized again, so the views stay valid.
  for (size_t i = 0; i < st->tensors.size(); ++i) {
    const TensorInfo& t = st->tensors[i];
    auto [it, inserted] = st->index.emplace(t.name, i);
    if (!inserted) {
      const TensorInfo& other = st->tensors[it->second];
      format_fail(st->part_paths[t.split_index], "tensor '" + t.name + "' also appears in '" +
                                                     st->part_paths[other.split_index] + "'");
    }
  }
  st->version = parts[0].parsed.version;
  st->metadata = std::move(parts[0].parsed.metadata);
  for (Part& p : parts) st->maps.push_back(std::move(p.map));
  return GgufFile(std::move(st));
}

GgufFile::GgufFile(std::unique_ptr<State> state) : state_(std::move(state)) {}
GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

const Metadata& GgufFile::metadata() const { return state_->metadata; }
std::span<const TensorInfo> GgufFile::tensors() const { return state_->tensors; }

const TensorInfo* GgufFile::find_tensor(std::string_view name) const {
  auto it = state_->index.find(name);
  return it == state_->index.end() ? nullptr : &state_->tensors[it->second];
}

std::string GgufFile::architecture() const {
  std::optional<std::string> arch = state_->metadata.get_string(kKeyArchitecture);
  if (!arch || arch->empty()) {
    format_fail(state_->part_paths[0], "metadata has no " + std::string(kKeyArchitecture));
  }
  return *arch;
}

uint64_t GgufFile::total_file_bytes() const { return state_->total_bytes; }
int GgufFile::split_count() const { return static_cast<int>(state_->part_paths.size()); }
const std::string& GgufFile::path() const { return state_->path; }
uint32_t GgufFile::version() const { return state_->version; }

const std::string& GgufFile::part_path(int split_index) const {
  if (split_index < 0 || split_index >= split_count()) {
    fail(ErrorCode::InvalidArgument,
         "split index " + std::to_string(split_index) + " is out of range");
  }
  return state_->part_paths[split_index];
}

}  // namespace mosaic::gguf
