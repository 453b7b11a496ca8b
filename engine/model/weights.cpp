#include "engine/model/weights.h"

#include <fmt/format.h>

#include "engine/error.h"

namespace mosaic {
namespace {

std::string shape_string(const std::array<int64_t, 4>& ne, int n_dims) {
  std::string s = "[";
  for (int i = 0; i < n_dims; ++i) s += fmt::format("{}{}", i ? ", " : "", ne[i]);
  return s + "]";
}

}  // namespace

Weight WeightLoader::optional(const std::string& name, std::initializer_list<int64_t> shape) {
  const gguf::TensorInfo* info = file_.find_tensor(name);
  if (info == nullptr) return {};
  used_.insert(name);
  std::array<int64_t, 4> want = {1, 1, 1, 1};
  int n = 0;
  for (int64_t d : shape) want[n++] = d;
  if (info->ne != want) {
    fail(ErrorCode::Format,
         fmt::format("tensor '{}' has shape {} but the model's hyperparameters "
                     "need {}",
                     name, shape_string(info->ne, info->n_dims), shape_string(want, n)));
  }
  Weight w;
  w.type = info->type;
  w.ne = info->ne;
  w.data = info->data;
  return w;
}

Weight WeightLoader::require(const std::string& name, std::initializer_list<int64_t> shape) {
  Weight w = optional(name, shape);
  if (!w.present()) fail(ErrorCode::Format, fmt::format("required tensor '{}' is missing", name));
  return w;
}

Weight WeightLoader::require_f32(const std::string& name, std::initializer_list<int64_t> shape) {
  Weight w = require(name, shape);
  if (w.type != kernels::DType::F32) {
    fail(ErrorCode::Unsupported,
         fmt::format("tensor '{}' is stored as {}; Mosaic expects f32 for this tensor", name,
                     kernels::type_traits(w.type).name));
  }
  return w;
}

std::vector<std::string> WeightLoader::unused_tensors() const {
  std::vector<std::string> unused;
  for (const gguf::TensorInfo& t : file_.tensors()) {
    if (!used_.count(t.name)) unused.push_back(t.name);
  }
  return unused;
}

int64_t ArchKeys::require_int(const std::string& key) const {
  std::optional<int64_t> v = meta_.get_int(full_key(key));
  if (!v) fail(ErrorCode::Format, fmt::format("metadata key '{}' is missing", full_key(key)));
  return *v;
}

int64_t ArchKeys::int_or(const std::string& key, int64_t fallback) const {
  return meta_.get_int(full_key(key)).value_or(fallback);
}

double ArchKeys::float_or(const std::string& key, double fallback) const {
  return meta_.get_float(full_key(key)).value_or(fallback);
}

bool ArchKeys::bool_or(const std::string& key, bool fallback) const {
  return meta_.get_bool(full_key(key)).value_or(fallback);
}

void check_hparam(bool ok, const std::string& message) {
  if (!ok) fail(ErrorCode::Format, message);
}

}  // namespace mosaic
