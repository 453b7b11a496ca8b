// The list of architectures Mosaic can run. Adding one = one file in
// engine/models/ plus one line here.
#include <array>
#include <string_view>

#include "engine/model/architecture.h"

namespace mosaic {

std::unique_ptr<Architecture> make_qwen3moe(const gguf::GgufFile& file);
std::unique_ptr<Architecture> make_deepseek2(const gguf::GgufFile& file);
std::unique_ptr<Architecture> make_qwen3vlmoe(const gguf::GgufFile& file);

namespace {

struct Entry {
  std::string_view name;
  ArchitectureFactory factory;
};

constexpr std::array kArchitectures = {
    Entry{"qwen3moe", &make_qwen3moe},
    Entry{"deepseek2", &make_deepseek2},
    Entry{"qwen3vlmoe", &make_qwen3vlmoe},
};

}  // namespace

ArchitectureFactory find_architecture(const std::string& name) {
  for (const Entry& e : kArchitectures) {
    if (e.name == name) return e.factory;
  }
  return nullptr;
}

std::string supported_architectures() {
  std::string names;
  for (const Entry& e : kArchitectures) {
    if (!names.empty()) names += ", ";
    names += e.name;
  }
  return names;
}

}  // namespace mosaic
