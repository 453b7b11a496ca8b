#include "engine/gguf/gguf_parser.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "engine/error.h"
#include "engine/gguf/ggml_layout.h"
#include "engine/gguf/gguf_format.h"

namespace mosaic::gguf {
namespace {

static_assert(std::endian::native == std::endian::little,
              "GGUF is little-endian; the reader memcpy's values directly");

// Smallest encodings, used to reject counts the remaining bytes cannot hold
// before any memory is reserved for them.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;  // key length, type, 1-byte value
constexpr uint64_t kMinTensorInfoBytes =
    8 + 4 + 8 + 4 + 8;                      // name len, n_dims, ne[0], type, offset
constexpr uint64_t kMinStringBytes = 8;     // length only
constexpr uint64_t kMinArrayBytes = 4 + 8;  // element type, count
// Reservations for string/array elements are capped: each element costs more
// memory than its minimal file encoding, so memory grows only with bytes
// actually parsed, not with a claimed count.
constexpr uint64_t kMaxReserve = 1 << 16;

std::string hex_bytes(std::span<const uint8_t> b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    if (!s.empty()) s += ' ';
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

class Parser {
 public:
  Parser(std::span<const uint8_t> bytes, const std::string& name, const ParseOptions& options)
      : bytes_(bytes), name_(name), options_(options) {}

  ParsedFile run();

 private:
  [[noreturn]] void error(ErrorCode code, const std::string& msg) const {
    fail(code, name_ + ": " + msg);
  }
  [[noreturn]] void format_error(const std::string& msg) const { error(ErrorCode::Format, msg); }

  size_t remaining() const { return bytes_.size() - pos_; }

  void need(uint64_t n, const char* what) const {
    if (n > remaining()) {
      format_error("file is truncated: " + std::string(what) + " of " + context_ + " needs " +
                   std::to_string(n) + " bytes at offset " + std::to_string(pos_) +
                   ", but the file ends at " + std::to_string(bytes_.size()));
    }
  }

  template <typename T>
  T read(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  std::string_view read_string(const char* what) {
    const auto len = read<uint64_t>(what);
    need(len, what);
    std::string_view s(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += len;
    return s;
  }

  // Rejects counts whose smallest encoding exceeds the bytes left.
  void check_count(uint64_t count, uint64_t min_bytes, const std::string& what) const {
    if (count > remaining() / min_bytes) {
      format_error(what + " of " + context_ + " is " + std::to_string(count) +
                   ", more than the remaining " + std::to_string(remaining()) +
                   " bytes of the file can hold (file truncated or corrupt count)");
    }
  }

  void report_progress(uint64_t done, uint64_t total) const {
    if (!options_.progress) return;
    const float f = total == 0 ? 1.0f : static_cast<float>(done) / static_cast<float>(total);
    if (!options_.progress(f)) error(ErrorCode::Cancelled, "loading cancelled");
  }

  ValueType read_value_type(const char* what) {
    const auto t = read<uint32_t>(what);
    if (!is_valid_value_type(t)) {
      format_error(context_ + " has unknown value type " + std::to_string(t));
    }
    return static_cast<ValueType>(t);
  }

  Value read_value(ValueType type);
  Value read_array(int depth);
  template <typename T>
  std::vector<T> read_scalars(uint64_t count);

  void read_metadata(uint64_t kv_count, uint64_t total_items);
  uint32_t resolve_alignment() const;
  void read_tensor_infos(uint64_t tensor_count, uint64_t kv_count, uint64_t total_items);
  void read_tensor_info(TensorInfo& t);
  void place_tensor(TensorInfo& t, uint64_t data_size, const uint8_t* data_base);
  void check_unique_names() const;
  void check_overlaps() const;

  std::span<const uint8_t> bytes_;
  const std::string& name_;
  const ParseOptions& options_;
  size_t pos_ = 0;
  std::string context_ = "the header";  // what is being read, for messages
  ParsedFile out_;
};

template <typename T>
std::vector<T> Parser::read_scalars(uint64_t count) {
  check_count(count, sizeof(T), "array length");
  std::vector<T> v(count);
  if (count > 0) std::memcpy(v.data(), bytes_.data() + pos_, count * sizeof(T));
  pos_ += count * sizeof(T);
  return v;
}

Value Parser::read_array(int depth) {
  if (depth > kMaxArrayDepth) {
    format_error(context_ + " has arrays nested deeper than " + std::to_string(kMaxArrayDepth) +
                 " levels");
  }
  const ValueType et = read_value_type("array element type");
  const auto count = read<uint64_t>("array length");
  switch (et) {
    case ValueType::U8:
      return Value::array_u8(read_scalars<uint8_t>(count));
    case ValueType::I8:
      return Value::array_i8(read_scalars<int8_t>(count));
    case ValueType::U16:
      return Value::array_u16(read_scalars<uint16_t>(count));
    case ValueType::I16:
      return Value::array_i16(read_scalars<int16_t>(count));
    case ValueType::U32:
      return Value::array_u32(read_scalars<uint32_t>(count));
    case ValueType::I32:
      return Value::array_i32(read_scalars<int32_t>(count));
    case ValueType::U64:
      return Value::array_u64(read_scalars<uint64_t>(count));
    case ValueType::I64:
      return Value::array_i64(read_scalars<int64_t>(count));
    case ValueType::F32:
      return Value::array_f32(read_scalars<float>(count));
    case ValueType::F64:
      return Value::array_f64(read_scalars<double>(count));
    case ValueType::Bool: {
      std::vector<uint8_t> b = read_scalars<uint8_t>(count);
      for (uint8_t x : b) {
        if (x > 1) format_error(context_ + " has invalid bool value " + std::to_string(x));
      }
      return Value::array_bool_bytes(std::move(b));
    }
    case ValueType::String: {
      check_count(count, kMinStringBytes, "array length");
      std::vector<std::string> v;
      v.reserve(std::min(count, kMaxReserve));
      for (uint64_t i = 0; i < count; ++i) v.emplace_back(read_string("string in array"));
      return Value::array_string(std::move(v));
    }
    case ValueType::Array: {
      check_count(count, kMinArrayBytes, "array length");
      std::vector<Value> v;
      v.reserve(std::min(count, kMaxReserve));
      for (uint64_t i = 0; i < count; ++i) v.push_back(read_array(depth + 1));
      return Value::array_array(std::move(v));
    }
  }
  format_error(context_ + " has unknown array element type");  // unreachable
}

Value Parser::read_value(ValueType type) {
  switch (type) {
    case ValueType::U8:
      return Value::u8(read<uint8_t>("u8 value"));
    case ValueType::I8:
      return Value::i8(read<int8_t>("i8 value"));
    case ValueType::U16:
      return Value::u16(read<uint16_t>("u16 value"));
    case ValueType::I16:
      return Value::i16(read<int16_t>("i16 value"));
    case ValueType::U32:
      return Value::u32(read<uint32_t>("u32 value"));
    case ValueType::I32:
      return Value::i32(read<int32_t>("i32 value"));
    case ValueType::U64:
      return Value::u64(read<uint64_t>("u64 value"));
    case ValueType::I64:
      return Value::i64(read<int64_t>("i64 value"));
    case ValueType::F32:
      return Value::f32(read<float>("f32 value"));
    case ValueType::F64:
      return Value::f64(read<double>("f64 value"));
    case ValueType::Bool: {
      const auto b = read<uint8_t>("bool value");
      if (b > 1) format_error(context_ + " has invalid bool value " + std::to_string(b));
      return Value::boolean(b != 0);
    }
    case ValueType::String:
      return Value::string(std::string(read_string("string value")));
    case ValueType::Array:
      return read_array(1);
  }
  format_error(context_ + " has unknown value type");  // unreachable
}

void Parser::read_metadata(uint64_t kv_count, uint64_t total_items) {
  for (uint64_t i = 0; i < kv_count; ++i) {
    context_ = "metadata entry #" + std::to_string(i);
    std::string key(read_string("key"));
    if (key.empty()) format_error(context_ + " has an empty key");
    context_ = "key '" + key + "'";
    const ValueType type = read_value_type("value type");
    Value value = read_value(type);
    if (!out_.metadata.insert(key, std::move(value))) {
      format_error("duplicate metadata key '" + key + "'");
    }
    report_progress(i + 1, total_items);
  }
}

uint32_t Parser::resolve_alignment() const {
  // get_uint names the file and key if the type is wrong.
  const std::optional<uint64_t> a = out_.metadata.get_uint(kKeyAlignment);
  if (!a) return kDefaultAlignment;
  if (!is_power_of_two(*a) || *a > std::numeric_limits<uint32_t>::max()) {
    format_error(std::string(kKeyAlignment) + " is " + std::to_string(*a) +
                 "; it must be a non-zero power of two");
  }
  return static_cast<uint32_t>(*a);
}

void Parser::read_tensor_info(TensorInfo& t) {
  t.name = std::string(read_string("tensor name"));
  if (t.name.empty()) format_error(context_ + " has an empty name");
  context_ = "tensor '" + t.name + "'";
  const auto n_dims = read<uint32_t>("dimension count");
  if (n_dims < 1 || n_dims > kMaxDims) {
    format_error(context_ + " has " + std::to_string(n_dims) + " dimensions; GGUF allows 1 to 4");
  }
  t.n_dims = static_cast<int>(n_dims);
  t.ne = {1, 1, 1, 1};
  uint64_t n_elements = 1;
  for (uint32_t d = 0; d < n_dims; ++d) {
    const auto ne = read<uint64_t>("dimension");
    if (ne == 0 || ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      format_error(context_ + " has invalid dimension ne[" + std::to_string(d) +
                   "] = " + std::to_string(static_cast<int64_t>(ne)));
    }
    if (__builtin_mul_overflow(n_elements, ne, &n_elements) ||
        n_elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      format_error(context_ +
                   " has too many elements (the product of its dimensions "
                   "overflows int64)");
    }
    t.ne[d] = static_cast<int64_t>(ne);
  }
  t.n_elements = n_elements;
  t.ggml_type = read<uint32_t>("tensor type");
  t.offset = read<uint64_t>("tensor offset");
  t.split_index = 0;  // the reader sets it for split models
  t.type_supported = false;
  t.type = kernels::DType::F32;
  t.n_bytes = 0;
  t.data = nullptr;
}

void Parser::read_tensor_infos(uint64_t tensor_count, uint64_t kv_count, uint64_t total_items) {
  context_ = "the header";
  check_count(tensor_count, kMinTensorInfoBytes, "tensor count");
  out_.tensors.reserve(std::min(tensor_count, kMaxReserve));
  for (uint64_t i = 0; i < tensor_count; ++i) {
    context_ = "tensor #" + std::to_string(i);
    read_tensor_info(out_.tensors.emplace_back());
    report_progress(kv_count + i + 1, total_items);
  }
}

void Parser::place_tensor(TensorInfo& t, uint64_t data_size, const uint8_t* data_base) {
  context_ = "tensor '" + t.name + "'";
  const std::optional<kernels::DType> dtype = kernels::dtype_from_ggml(t.ggml_type);
  const std::string_view type_name = kernels::ggml_type_name(t.ggml_type);
  const std::optional<BlockLayout> layout = ggml_block_layout(t.ggml_type);
  if (dtype) {
    t.type = *dtype;
    t.type_supported = true;
  } else if (!options_.allow_unsupported_types) {
    if (type_name == "unknown" || !layout) {
      error(ErrorCode::Unsupported, context_ + " has unknown type id " +
                                        std::to_string(t.ggml_type) +
                                        ", which Mosaic does not support");
    }
    error(ErrorCode::Unsupported, context_ + " has type " + std::string(type_name) + " (" +
                                      std::to_string(t.ggml_type) +
                                      "), which Mosaic does not support yet");
  }

  if (layout) {
    if (t.ne[0] % layout->block_elems != 0) {
      format_error(context_ + " of type " + std::string(type_name) + " has ne[0] = " +
                   std::to_string(t.ne[0]) + ", which is not a multiple of the block size " +
                   std::to_string(layout->block_elems));
    }
    const uint64_t blocks = t.n_elements / static_cast<uint64_t>(layout->block_elems);
    if (__builtin_mul_overflow(blocks, layout->block_bytes, &t.n_bytes)) {
      format_error(context_ + " is too large (its byte size overflows 64 bits)");
    }
  }
  if (t.offset % out_.alignment != 0) {
    format_error(context_ + " has offset " + std::to_string(t.offset) +
                 ", which is not a multiple of the alignment " + std::to_string(out_.alignment));
  }
  if (t.offset > data_size || t.n_bytes > data_size - t.offset) {
    format_error(context_ + " (offset " + std::to_string(t.offset) + ", " +
                 std::to_string(t.n_bytes) +
                 " bytes) extends beyond the end of the file (the data section holds " +
                 std::to_string(data_size) + " bytes; the file may be truncated)");
  }
  t.data = data_base + t.offset;
}

void Parser::check_unique_names() const {
  std::unordered_set<std::string_view> seen;
  seen.reserve(out_.tensors.size());
  for (const TensorInfo& t : out_.tensors) {
    if (!seen.insert(t.name).second) format_error("duplicate tensor name '" + t.name + "'");
  }
}

void Parser::check_overlaps() const {
  std::vector<size_t> order(out_.tensors.size());
  std::iota(order.begin(), order.end(), size_t{0});
  const auto& ts = out_.tensors;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return ts[a].offset < ts[b].offset; });
  const TensorInfo* prev = nullptr;
  for (size_t i : order) {
    const TensorInfo& t = ts[i];
    if (t.n_bytes == 0) continue;  // unknown size (unsupported type in info mode)
    // Bounds were checked, so offset + n_bytes cannot overflow.
    if (prev != nullptr && prev->offset + prev->n_bytes > t.offset) {
      format_error("the data of tensors '" + prev->name + "' and '" + t.name + "' overlap");
    }
    prev = &t;
  }
}

ParsedFile Parser::run() {
  out_.metadata.set_source(name_);
  if (bytes_.empty()) format_error("file is empty (0 bytes)");
  if (bytes_.size() < 4) {
    format_error("not a GGUF file (only " + std::to_string(bytes_.size()) + " bytes)");
  }
  if (std::memcmp(bytes_.data(), kMagic, 4) != 0) {
    format_error("not a GGUF file (it starts with bytes " + hex_bytes(bytes_.first(4)) +
                 ", expected 47 47 55 46 \"GGUF\")");
  }
  pos_ = 4;
  out_.version = read<uint32_t>("version");
  if (out_.version != 2 && out_.version != 3) {
    std::string msg = "unsupported GGUF version " + std::to_string(out_.version);
    if (out_.version == 1) {
      msg += " (version 1 used 32-bit counts; re-convert the model with a current llama.cpp)";
    } else if (const uint32_t swapped = __builtin_bswap32(out_.version);
               swapped >= 1 && swapped <= 3) {
      msg += " (this looks like a big-endian GGUF file; Mosaic reads little-endian files)";
    } else {
      msg += " (Mosaic reads versions 2 and 3)";
    }
    error(ErrorCode::Unsupported, msg);
  }
  const auto tensor_count = read<uint64_t>("tensor count");
  const auto kv_count = read<uint64_t>("metadata entry count");
  check_count(kv_count, kMinKvBytes, "metadata entry count");
  check_count(tensor_count, kMinTensorInfoBytes, "tensor count");
  const uint64_t total_items = kv_count + tensor_count;  // both bounded by the file size

  read_metadata(kv_count, total_items);
  out_.alignment = resolve_alignment();
  read_tensor_infos(tensor_count, kv_count, total_items);

  // The data section starts at the end of the header, padded to the alignment.
  const uint64_t header_end = pos_;
  const uint64_t align = out_.alignment;
  out_.data_offset = (header_end + align - 1) / align * align;  // header_end < 2^63: no overflow
  if (!out_.tensors.empty()) {
    if (out_.data_offset > bytes_.size()) {
      context_ = "the header";
      format_error("file is truncated: the data section would start at offset " +
                   std::to_string(out_.data_offset) + ", but the file ends at " +
                   std::to_string(bytes_.size()));
    }
    const uint64_t data_size = bytes_.size() - out_.data_offset;
    const uint8_t* data_base = bytes_.data() + out_.data_offset;
    for (TensorInfo& t : out_.tensors) place_tensor(t, data_size, data_base);
    check_unique_names();
    check_overlaps();
  }
  report_progress(1, 1);
  return std::move(out_);
}

}  // namespace

ParsedFile parse_gguf(std::span<const uint8_t> bytes, const std::string& name,
                      const ParseOptions& options) {
  Parser parser(bytes, name, options);
  return parser.run();
}

}  // namespace mosaic::gguf
