// libFuzzer harness for the GGUF parser (built only with clang, see
// CMakeLists.txt): `mosaic_gguf_fuzzer corpus/ -max_len=4096`.
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/error.h"
#include "engine/gguf/gguf_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mosaic::gguf::ParseOptions options;
  options.allow_unsupported_types = size % 2 == 1;
  try {
    const auto parsed =
        mosaic::gguf::parse_gguf(std::span<const uint8_t>(data, size), "fuzz", options);
    for (const auto& key : parsed.metadata.keys()) (void)parsed.metadata.to_display_string(key);
    volatile uint8_t sink = 0;
    for (const auto& t : parsed.tensors) {
      if (t.n_bytes > 0) sink = sink + t.data[0] + t.data[t.n_bytes - 1];
    }
  } catch (const mosaic::Error&) {
    // Rejecting malformed input is the expected outcome.
  }
  return 0;
}
