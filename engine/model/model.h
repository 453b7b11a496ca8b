// A loaded model: the memory-mapped file, its tokenizer and its architecture.
// Immutable after load; shared by every session opened on it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/gguf/gguf_reader.h"
#include "engine/model/architecture.h"
#include "engine/tokenizer/tokenizer.h"

namespace mosaic {

class Model {
 public:
  // progress(fraction) returns false to cancel (throws Error(Cancelled)).
  static std::unique_ptr<Model> load(const std::string& path,
                                     const std::function<bool(float)>& progress,
                                     gguf::Residency residency = gguf::Residency::Mapped);

  const gguf::GgufFile& file() const { return file_; }
  const Architecture& arch() const { return *arch_; }
  const tok::Tokenizer& tokenizer() const { return *tokenizer_; }
  const std::string& architecture_name() const { return arch_name_; }
  double load_ms() const { return load_ms_; }
  // "Q4_K" when one type dominates the matrices, "mixed Q4_K/Q6_K" otherwise.
  std::string quantization_label() const;

 private:
  explicit Model(gguf::GgufFile file) : file_(std::move(file)) {}

  gguf::GgufFile file_;
  std::string arch_name_;
  std::unique_ptr<tok::Tokenizer> tokenizer_;
  std::unique_ptr<Architecture> arch_;
  double load_ms_ = 0;
};

}  // namespace mosaic
