#include "engine/model/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/core/log.h"
#include "engine/core/timer.h"
#include "engine/error.h"

namespace mosaic {
namespace {

// Touches every page of the tensor data so the first prompt does not pay for
// page faults, reporting progress (this is the slow part of a cold load).
void page_in(const gguf::GgufFile& file, const std::function<bool(float)>& progress, float from,
             float to) {
  uint64_t total = 0;
  for (const gguf::TensorInfo& t : file.tensors()) total += t.n_bytes;
  uint64_t done = 0, next_report = 0;
  volatile uint8_t sink = 0;
  constexpr uint64_t kPage = 4096, kReportEvery = 64ull << 20;
  for (const gguf::TensorInfo& t : file.tensors()) {
    for (uint64_t off = 0; off < t.n_bytes; off += kPage) sink = sink + t.data[off];
    done += t.n_bytes;
    if (progress && done >= next_report) {
      next_report = done + kReportEvery;
      if (!progress(from + (to - from) * static_cast<float>(done) / std::max<uint64_t>(total, 1)))
        fail(ErrorCode::Cancelled, "model loading was cancelled");
    }
  }
}

}  // namespace

std::unique_ptr<Model> Model::load(const std::string& path,
                                   const std::function<bool(float)>& progress,
                                   gguf::Residency residency) {
  Stopwatch watch;
  auto report = [&](float f) {
    if (progress && !progress(f)) fail(ErrorCode::Cancelled, "model loading was cancelled");
  };
  report(0.0f);
  gguf::OpenOptions options;
  options.residency = residency;
  if (progress) options.progress = [&](float f) { return progress(0.05f * f); };
  std::unique_ptr<Model> model(new Model(gguf::GgufFile::open(path, options)));
  report(0.05f);

  model->arch_name_ = model->file_.architecture();
  const ArchitectureFactory factory = find_architecture(model->arch_name_);
  if (factory == nullptr) {
    fail(ErrorCode::Unsupported,
         fmt::format("'{}': architecture '{}' is not supported (Mosaic runs: {})", path,
                     model->arch_name_, supported_architectures()));
  }
  model->tokenizer_ = tok::Tokenizer::create(tok::vocab_from_gguf(model->file_.metadata()));
  report(0.08f);
  model->arch_ = factory(model->file_);
  if (model->tokenizer_->n_vocab() > model->arch_->dims().n_vocab) {
    fail(ErrorCode::Format,
         fmt::format("the tokenizer has {} tokens but the model's embedding only {}",
                     model->tokenizer_->n_vocab(), model->arch_->dims().n_vocab));
  }
  report(0.1f);
  page_in(model->file_, progress, 0.1f, 1.0f);
  model->load_ms_ = watch.elapsed_ms();
  log_info(fmt::format("loaded {} ({}) in {:.0f} ms", path, model->arch_name_, model->load_ms_));
  report(1.0f);
  return model;
}

std::string Model::quantization_label() const {
  // Count bytes per type over the matrices (2-D and up), ignoring norms.
  std::map<std::string, uint64_t> bytes;
  for (const gguf::TensorInfo& t : file_.tensors()) {
    if (t.n_dims >= 2) bytes[std::string(kernels::type_traits(t.type).name)] += t.n_bytes;
  }
  std::vector<std::pair<uint64_t, std::string>> ranked;
  uint64_t total = 0;
  for (auto& [name, b] : bytes) {
    ranked.push_back({b, name});
    total += b;
  }
  std::sort(ranked.rbegin(), ranked.rend());
  if (ranked.empty()) return "none";
  // GGML names types "q4_K"; people know them as "Q4_K".
  auto upper = [](std::string name) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(std::toupper(c)); });
    return name;
  };
  std::string label = upper(ranked[0].second);
  if (ranked.size() > 1 && ranked[1].first > total / 20) {
    label = "mixed " + label + "/" + upper(ranked[1].second);
  }
  return label;
}

}  // namespace mosaic
