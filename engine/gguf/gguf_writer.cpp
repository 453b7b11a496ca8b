#include "engine/gguf/gguf_writer.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "engine/error.h"
#include "engine/gguf/gguf_encode.h"
#include "engine/gguf/gguf_format.h"
#include "engine/gguf/gguf_split.h"
#include "engine/gguf/out_file.h"

namespace mosaic::gguf {
namespace {

[[noreturn]] void invalid(const std::string& msg) { fail(ErrorCode::InvalidArgument, msg); }

uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

}  // namespace

// Bytes written so far across all files of one write()/write_split() call.
struct GgufWriter::Progress {
  const std::function<bool(float)>* callback;
  uint64_t total;
  uint64_t done = 0;

  void advance(uint64_t n) {
    done += n;
    if (callback == nullptr || !*callback) return;
    const float f = total == 0 ? 1.0f : static_cast<float>(done) / static_cast<float>(total);
    if (!(*callback)(f)) fail(ErrorCode::Cancelled, "writing the model was cancelled");
  }
};

void GgufWriter::set_u8(std::string key, uint8_t v) { set_value(std::move(key), Value::u8(v)); }
void GgufWriter::set_i8(std::string key, int8_t v) { set_value(std::move(key), Value::i8(v)); }
void GgufWriter::set_u16(std::string key, uint16_t v) { set_value(std::move(key), Value::u16(v)); }
void GgufWriter::set_i16(std::string key, int16_t v) { set_value(std::move(key), Value::i16(v)); }
void GgufWriter::set_u32(std::string key, uint32_t v) { set_value(std::move(key), Value::u32(v)); }
void GgufWriter::set_i32(std::string key, int32_t v) { set_value(std::move(key), Value::i32(v)); }
void GgufWriter::set_u64(std::string key, uint64_t v) { set_value(std::move(key), Value::u64(v)); }
void GgufWriter::set_i64(std::string key, int64_t v) { set_value(std::move(key), Value::i64(v)); }
void GgufWriter::set_f32(std::string key, float v) { set_value(std::move(key), Value::f32(v)); }
void GgufWriter::set_f64(std::string key, double v) { set_value(std::move(key), Value::f64(v)); }
void GgufWriter::set_bool(std::string key, bool v) { set_value(std::move(key), Value::boolean(v)); }
void GgufWriter::set_string(std::string key, std::string v) {
  set_value(std::move(key), Value::string(std::move(v)));
}

void GgufWriter::set_string_array(std::string key, std::vector<std::string> v) {
  set_value(std::move(key), Value::array_string(std::move(v)));
}
void GgufWriter::set_u8_array(std::string key, std::vector<uint8_t> v) {
  set_value(std::move(key), Value::array_u8(std::move(v)));
}
void GgufWriter::set_i8_array(std::string key, std::vector<int8_t> v) {
  set_value(std::move(key), Value::array_i8(std::move(v)));
}
void GgufWriter::set_u16_array(std::string key, std::vector<uint16_t> v) {
  set_value(std::move(key), Value::array_u16(std::move(v)));
}
void GgufWriter::set_i16_array(std::string key, std::vector<int16_t> v) {
  set_value(std::move(key), Value::array_i16(std::move(v)));
}
void GgufWriter::set_u32_array(std::string key, std::vector<uint32_t> v) {
  set_value(std::move(key), Value::array_u32(std::move(v)));
}
void GgufWriter::set_i32_array(std::string key, std::vector<int32_t> v) {
  set_value(std::move(key), Value::array_i32(std::move(v)));
}
void GgufWriter::set_u64_array(std::string key, std::vector<uint64_t> v) {
  set_value(std::move(key), Value::array_u64(std::move(v)));
}
void GgufWriter::set_i64_array(std::string key, std::vector<int64_t> v) {
  set_value(std::move(key), Value::array_i64(std::move(v)));
}
void GgufWriter::set_f32_array(std::string key, std::vector<float> v) {
  set_value(std::move(key), Value::array_f32(std::move(v)));
}
void GgufWriter::set_f64_array(std::string key, std::vector<double> v) {
  set_value(std::move(key), Value::array_f64(std::move(v)));
}
void GgufWriter::set_bool_array(std::string key, const std::vector<bool>& v) {
  set_value(std::move(key), Value::array_bool(v));
}

void GgufWriter::set_value(std::string key, Value value) {
  // The reader rejects empty keys, so the writer must not produce them.
  if (key.empty()) invalid("GGUF metadata key must not be empty");
  metadata_.set(std::move(key), std::move(value));
}

bool GgufWriter::remove(std::string_view key) { return metadata_.erase(key); }

void GgufWriter::set_alignment(uint32_t alignment) {
  if (!is_power_of_two(alignment)) {
    invalid("GGUF alignment " + std::to_string(alignment) + " is not a non-zero power of two");
  }
  set_u32(std::string(kKeyAlignment), alignment);
}

void GgufWriter::set_progress(std::function<bool(float)> progress) {
  progress_ = std::move(progress);
}

uint32_t GgufWriter::alignment() const {
  const Value* v = metadata_.find(kKeyAlignment);
  if (v == nullptr) return kDefaultAlignment;
  // Set through set_value/set_u64 the key could hold anything; check it here.
  if (v->type() != ValueType::U32 || !is_power_of_two(v->as_unsigned())) {
    invalid(std::string(kKeyAlignment) + " must be a u32 power of two, not " + display_value(*v));
  }
  return static_cast<uint32_t>(v->as_unsigned());
}

GgufWriter::Tensor GgufWriter::make_tensor(std::string name, kernels::DType type,
                                           std::vector<int64_t> ne) const {
  if (name.empty()) invalid("tensor name must not be empty");
  if (tensor_names_.contains(name)) invalid("duplicate tensor name '" + name + "'");
  const std::string where = "tensor '" + name + "'";
  if (!kernels::dtype_from_ggml(static_cast<uint32_t>(type))) {
    invalid(where + " has invalid type id " + std::to_string(static_cast<uint32_t>(type)));
  }
  if (ne.empty() || ne.size() > static_cast<size_t>(kMaxDims)) {
    invalid(where + " has " + std::to_string(ne.size()) + " dimensions; GGUF allows 1 to 4");
  }
  const kernels::TypeTraits& traits = kernels::type_traits(type);
  uint64_t n_elements = 1;
  for (size_t d = 0; d < ne.size(); ++d) {
    if (ne[d] <= 0) {
      invalid(where + " has ne[" + std::to_string(d) + "] = " + std::to_string(ne[d]));
    }
    if (__builtin_mul_overflow(n_elements, static_cast<uint64_t>(ne[d]), &n_elements) ||
        n_elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      invalid(where + " has too many elements");
    }
  }
  if (ne[0] % traits.block_elems != 0) {
    invalid(where + " of type " + std::string(traits.name) +
            " has ne[0] = " + std::to_string(ne[0]) +
            ", which is not a multiple of the block size " + std::to_string(traits.block_elems));
  }
  uint64_t n_bytes = 0;
  if (__builtin_mul_overflow(n_elements / static_cast<uint64_t>(traits.block_elems),
                             static_cast<uint64_t>(traits.block_bytes), &n_bytes)) {
    invalid(where + " is too large");
  }
  return Tensor{std::move(name), type, std::move(ne), n_bytes, {}, {}};
}

void GgufWriter::push_tensor(Tensor tensor) {
  tensor_names_.insert(tensor.name);
  tensors_.push_back(std::move(tensor));
}

void GgufWriter::add_tensor(std::string name, kernels::DType type, std::vector<int64_t> ne,
                            std::vector<uint8_t> data) {
  Tensor t = make_tensor(std::move(name), type, std::move(ne));
  if (data.size() != t.n_bytes) {
    invalid("tensor '" + t.name + "' needs " + std::to_string(t.n_bytes) + " bytes of data, got " +
            std::to_string(data.size()));
  }
  t.data = std::move(data);
  push_tensor(std::move(t));
}

void GgufWriter::add_tensor(std::string name, kernels::DType type, std::vector<int64_t> ne,
                            Filler fill) {
  if (!fill) invalid("tensor '" + name + "' has an empty fill function");
  Tensor t = make_tensor(std::move(name), type, std::move(ne));
  t.fill = std::move(fill);
  push_tensor(std::move(t));
}

void GgufWriter::write_file(const std::string& path, const Metadata& metadata, size_t first_tensor,
                            size_t n_tensors, Progress& progress) const {
  const uint32_t align = alignment();
  std::vector<EncodedTensorInfo> infos;
  infos.reserve(n_tensors);
  uint64_t offset = 0;
  for (size_t i = first_tensor; i < first_tensor + n_tensors; ++i) {
    const Tensor& t = tensors_[i];
    EncodedTensorInfo info{
        t.name, static_cast<int>(t.ne.size()), {1, 1, 1, 1}, static_cast<uint32_t>(t.type), offset};
    std::copy(t.ne.begin(), t.ne.end(), info.ne.begin());
    infos.push_back(info);
    offset = align_up(offset + t.n_bytes, align);
  }

  AtomicOutFile out(path);
  const std::vector<uint8_t> header = encode_header(metadata, infos, align);
  out.write(header.data(), header.size());
  std::vector<uint8_t> buffer;  // reused by filled tensors
  for (size_t i = first_tensor; i < first_tensor + n_tensors; ++i) {
    const Tensor& t = tensors_[i];
    const uint8_t* src = t.data.data();
    if (t.fill) {
      buffer.assign(t.n_bytes, 0);  // zeroed: a filler that skips bytes leaks no heap data
      t.fill(buffer.data(), buffer.size());
      src = buffer.data();
    }
    out.write(src, t.n_bytes);
    out.write_zeros(align_up(t.n_bytes, align) - t.n_bytes);
    progress.advance(t.n_bytes);
  }
  out.commit();
}

void GgufWriter::write(const std::string& path) const {
  uint64_t total = 0;
  for (const Tensor& t : tensors_) total += t.n_bytes;
  Progress progress{&progress_, total};
  write_file(path, metadata_, 0, tensors_.size(), progress);
  if (tensors_.empty()) progress.advance(0);
}

std::vector<std::string> GgufWriter::write_split(const std::string& path_prefix,
                                                 int max_tensors_per_file) const {
  if (max_tensors_per_file < 1) {
    invalid("max_tensors_per_file must be at least 1, got " + std::to_string(max_tensors_per_file));
  }
  const size_t per_file = static_cast<size_t>(max_tensors_per_file);
  const size_t n_parts = std::max<size_t>(1, (tensors_.size() + per_file - 1) / per_file);
  if (n_parts > static_cast<size_t>(kMaxSplitCount)) {
    invalid("a split model can have at most " + std::to_string(kMaxSplitCount) + " files");
  }
  if (tensors_.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    invalid("too many tensors for split.tensors.count");
  }
  (void)alignment();  // validate before writing anything

  uint64_t total = 0;
  for (const Tensor& t : tensors_) total += t.n_bytes;
  Progress progress{&progress_, total};
  const int count = static_cast<int>(n_parts);
  std::vector<std::string> written;
  try {
    for (int i = 0; i < count; ++i) {
      // Metadata lives in the first part; the others carry only what a
      // reader needs to parse them on their own.
      Metadata md;
      if (i == 0) {
        md = metadata_;
      } else if (const Value* a = metadata_.find(kKeyAlignment)) {
        md.set(std::string(kKeyAlignment), *a);
      }
      md.set(std::string(kKeySplitNo), Value::u16(static_cast<uint16_t>(i)));
      md.set(std::string(kKeySplitCount), Value::u16(static_cast<uint16_t>(count)));
      md.set(std::string(kKeySplitTensorsCount), Value::i32(static_cast<int32_t>(tensors_.size())));
      const size_t first = static_cast<size_t>(i) * per_file;
      const size_t n = std::min(per_file, tensors_.size() - std::min(first, tensors_.size()));
      const std::string path = split_path(path_prefix, i, count);
      write_file(path, md, first, n, progress);
      written.push_back(path);
    }
  } catch (...) {
    // A partial set of parts is useless and would be found by the reader.
    for (const std::string& p : written) std::remove(p.c_str());
    throw;
  }
  if (tensors_.empty()) progress.advance(0);
  return written;
}

}  // namespace mosaic::gguf
