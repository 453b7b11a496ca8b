// Views of weight tensors inside the memory-mapped model file, and a loader
// that checks each one against the shape the architecture expects.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <unordered_set>

#include "engine/gguf/gguf_reader.h"
#include "kernels/cpu/types.h"

namespace mosaic {

// A tensor used in place from the mmap (never copied). Shapes are GGUF `ne`
// order: ne[0] is the contiguous input dimension, ne[2] indexes experts.
struct Weight {
  kernels::DType type = kernels::DType::F32;
  std::array<int64_t, 4> ne = {1, 1, 1, 1};
  const uint8_t* data = nullptr;
  // Bytes from one matrix of a stack to the next; 0 = packed (matrix_bytes).
  // Non-zero only for views that pick rows out of a larger tensor.
  size_t matrix_stride = 0;

  bool present() const { return data != nullptr; }
  size_t row_bytes() const { return kernels::row_bytes(type, ne[0]); }
  // Bytes of one ne[0] x ne[1] matrix (one expert of a stacked tensor).
  size_t matrix_bytes() const { return row_bytes() * static_cast<size_t>(ne[1]); }
  const uint8_t* matrix(int64_t index) const {
    return data + (matrix_stride ? matrix_stride : matrix_bytes()) * index;
  }
  uint64_t n_elements() const { return static_cast<uint64_t>(ne[0] * ne[1] * ne[2] * ne[3]); }
  uint64_t n_bytes() const { return matrix_bytes() * static_cast<uint64_t>(ne[2] * ne[3]); }
  // F32 data (norm weights); callers check type with require_f32.
  const float* f32() const { return reinterpret_cast<const float*>(data); }
};

class WeightLoader {
 public:
  explicit WeightLoader(const gguf::GgufFile& file) : file_(file) {}

  // The tensor `name` with exactly `shape` (trailing dims 1 may be omitted).
  // Throws Error(Format) naming the tensor when missing or mis-shaped.
  Weight require(const std::string& name, std::initializer_list<int64_t> shape);
  // Like require, but a missing tensor gives a Weight with present() false.
  Weight optional(const std::string& name, std::initializer_list<int64_t> shape);
  // Requires the tensor to be stored as F32 (norms, router biases).
  Weight require_f32(const std::string& name, std::initializer_list<int64_t> shape);

  bool contains(const std::string& name) const { return file_.find_tensor(name) != nullptr; }

  // Names of tensors in the file that no require/optional call asked for.
  std::vector<std::string> unused_tensors() const;

 private:
  const gguf::GgufFile& file_;
  std::unordered_set<std::string> used_;
};

// Reads "<arch>.<key>" hyperparameters with clear errors for missing keys.
class ArchKeys {
 public:
  ArchKeys(const gguf::Metadata& meta, std::string arch) : meta_(meta), arch_(std::move(arch)) {}

  int64_t require_int(const std::string& key) const;
  int64_t int_or(const std::string& key, int64_t fallback) const;
  double float_or(const std::string& key, double fallback) const;
  bool bool_or(const std::string& key, bool fallback) const;
  std::string full_key(const std::string& key) const { return arch_ + "." + key; }

 private:
  const gguf::Metadata& meta_;
  std::string arch_;
};

// Throws Error(Format) "<what> must be <condition>" unless ok.
void check_hparam(bool ok, const std::string& message);

}  // namespace mosaic
