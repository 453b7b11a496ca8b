// GGUF v3 writer: metadata plus tensors, written atomically (path + ".tmp",
// then rename), optionally split into several files.
//
// Argument errors (bad shapes, data size mismatch, duplicate names, bad
// alignment) throw mosaic::Error(InvalidArgument) when the call is made;
// I/O errors throw Error(Io) naming the file and strerror, and leave no file
// behind at the target path.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "engine/gguf/gguf_metadata.h"
#include "engine/gguf/gguf_value.h"
#include "kernels/cpu/types.h"

namespace mosaic::gguf {

class GgufWriter {
 public:
  // Fills dst with exactly n_bytes of tensor data. Called once per write of
  // the tensor, with a zeroed buffer; may throw to abort the write.
  using Filler = std::function<void(uint8_t* dst, size_t n_bytes)>;

  // Metadata setters; each replaces an existing key in place (keeping its
  // position) or appends a new one.
  void set_u8(std::string key, uint8_t value);
  void set_i8(std::string key, int8_t value);
  void set_u16(std::string key, uint16_t value);
  void set_i16(std::string key, int16_t value);
  void set_u32(std::string key, uint32_t value);
  void set_i32(std::string key, int32_t value);
  void set_u64(std::string key, uint64_t value);
  void set_i64(std::string key, int64_t value);
  void set_f32(std::string key, float value);
  void set_f64(std::string key, double value);
  void set_bool(std::string key, bool value);
  void set_string(std::string key, std::string value);

  void set_string_array(std::string key, std::vector<std::string> values);
  void set_u8_array(std::string key, std::vector<uint8_t> values);
  void set_i8_array(std::string key, std::vector<int8_t> values);
  void set_u16_array(std::string key, std::vector<uint16_t> values);
  void set_i16_array(std::string key, std::vector<int16_t> values);
  void set_u32_array(std::string key, std::vector<uint32_t> values);
  void set_i32_array(std::string key, std::vector<int32_t> values);
  void set_u64_array(std::string key, std::vector<uint64_t> values);
  void set_i64_array(std::string key, std::vector<int64_t> values);
  void set_f32_array(std::string key, std::vector<float> values);
  void set_f64_array(std::string key, std::vector<double> values);
  void set_bool_array(std::string key, const std::vector<bool>& values);
  // Any value, e.g. nested arrays built with Value::array_array.
  void set_value(std::string key, Value value);
  bool remove(std::string_view key);  // false if absent

  // Writes general.alignment (u32). Must be a non-zero power of two.
  void set_alignment(uint32_t alignment);

  // Tensors, written in the order added. ne has 1..4 entries, each > 0,
  // ne[0] a multiple of the type's block size; data must have exactly the
  // tensor's byte size.
  void add_tensor(std::string name, kernels::DType type, std::vector<int64_t> ne,
                  std::vector<uint8_t> data);
  // Data produced at write time, so large models need not sit in memory.
  void add_tensor(std::string name, kernels::DType type, std::vector<int64_t> ne, Filler fill);

  // Optional: called with the fraction of bytes written; return false to
  // cancel (Error(Cancelled), nothing left behind).
  void set_progress(std::function<bool(float)> progress);

  void write(const std::string& path) const;
  // Splits into files of at most max_tensors_per_file tensors:
  // <prefix>-00001-of-0000N.gguf ... with split.no/split.count/
  // split.tensors.count; all metadata goes into the first part. Returns the
  // paths. On failure, parts already written by this call are removed.
  std::vector<std::string> write_split(const std::string& path_prefix,
                                       int max_tensors_per_file) const;

  const Metadata& metadata() const { return metadata_; }
  size_t tensor_count() const { return tensors_.size(); }

 private:
  struct Tensor {
    std::string name;
    kernels::DType type;
    std::vector<int64_t> ne;
    uint64_t n_bytes;
    std::vector<uint8_t> data;  // used when fill is empty
    Filler fill;
  };
  struct Progress;

  // Validates name, type and shape; the tensor is not registered yet.
  Tensor make_tensor(std::string name, kernels::DType type, std::vector<int64_t> ne) const;
  void push_tensor(Tensor tensor);
  uint32_t alignment() const;
  void write_file(const std::string& path, const Metadata& metadata, size_t first_tensor,
                  size_t n_tensors, Progress& progress) const;

  Metadata metadata_;
  std::vector<Tensor> tensors_;
  std::unordered_set<std::string> tensor_names_;
  std::function<bool(float)> progress_;
};

}  // namespace mosaic::gguf
