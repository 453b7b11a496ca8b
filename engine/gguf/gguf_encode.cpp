#include "engine/gguf/gguf_encode.h"

#include <bit>
#include <cstring>

#include "engine/gguf/gguf_format.h"

namespace mosaic::gguf {
namespace {

static_assert(std::endian::native == std::endian::little,
              "GGUF is little-endian; the writer copies values directly");

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &v, sizeof(T));
}

void put_string(std::vector<uint8_t>& out, std::string_view s) {
  put<uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

template <typename T>
void put_elements(std::vector<uint8_t>& out, const Value& v) {
  auto span = v.elements<T>();
  const size_t at = out.size();
  out.resize(at + span.size_bytes());
  if (!span.empty()) std::memcpy(out.data() + at, span.data(), span.size_bytes());
}

void put_array(std::vector<uint8_t>& out, const Value& v) {
  const ValueType et = v.element_type();
  put<uint32_t>(out, static_cast<uint32_t>(et));
  put<uint64_t>(out, v.size());
  switch (et) {
    case ValueType::U8:
    case ValueType::Bool:
      put_elements<uint8_t>(out, v);
      break;
    case ValueType::I8:
      put_elements<int8_t>(out, v);
      break;
    case ValueType::U16:
      put_elements<uint16_t>(out, v);
      break;
    case ValueType::I16:
      put_elements<int16_t>(out, v);
      break;
    case ValueType::U32:
      put_elements<uint32_t>(out, v);
      break;
    case ValueType::I32:
      put_elements<int32_t>(out, v);
      break;
    case ValueType::U64:
      put_elements<uint64_t>(out, v);
      break;
    case ValueType::I64:
      put_elements<int64_t>(out, v);
      break;
    case ValueType::F32:
      put_elements<float>(out, v);
      break;
    case ValueType::F64:
      put_elements<double>(out, v);
      break;
    case ValueType::String:
      for (const std::string& s : v.strings()) put_string(out, s);
      break;
    case ValueType::Array:
      for (const Value& a : v.arrays()) put_array(out, a);
      break;
  }
}

}  // namespace

void encode_value(std::vector<uint8_t>& out, const Value& v) {
  switch (v.type()) {
    case ValueType::U8:
      put<uint8_t>(out, static_cast<uint8_t>(v.as_unsigned()));
      break;
    case ValueType::I8:
      put<int8_t>(out, static_cast<int8_t>(v.as_signed()));
      break;
    case ValueType::U16:
      put<uint16_t>(out, static_cast<uint16_t>(v.as_unsigned()));
      break;
    case ValueType::I16:
      put<int16_t>(out, static_cast<int16_t>(v.as_signed()));
      break;
    case ValueType::U32:
      put<uint32_t>(out, static_cast<uint32_t>(v.as_unsigned()));
      break;
    case ValueType::I32:
      put<int32_t>(out, static_cast<int32_t>(v.as_signed()));
      break;
    case ValueType::U64:
      put<uint64_t>(out, v.as_unsigned());
      break;
    case ValueType::I64:
      put<int64_t>(out, v.as_signed());
      break;
    case ValueType::F32:
      put<float>(out, v.as_f32());
      break;
    case ValueType::F64:
      put<double>(out, v.as_double());
      break;
    case ValueType::Bool:
      put<uint8_t>(out, v.as_bool() ? 1 : 0);
      break;
    case ValueType::String:
      put_string(out, v.as_string());
      break;
    case ValueType::Array:
      put_array(out, v);
      break;
  }
}

std::vector<uint8_t> encode_header(const Metadata& metadata,
                                   const std::vector<EncodedTensorInfo>& tensors,
                                   uint32_t alignment) {
  // Constructed from the magic rather than inserted into an empty vector:
  // GCC 12 gives a false -Wstringop-overflow for the latter.
  std::vector<uint8_t> out(std::begin(kMagic), std::end(kMagic));
  put<uint32_t>(out, kVersionWritten);
  put<uint64_t>(out, tensors.size());
  put<uint64_t>(out, metadata.size());
  for (const Metadata::Entry& e : metadata.entries()) {
    put_string(out, e.key);
    put<uint32_t>(out, static_cast<uint32_t>(e.value.type()));
    encode_value(out, e.value);
  }
  for (const EncodedTensorInfo& t : tensors) {
    put_string(out, t.name);
    put<uint32_t>(out, static_cast<uint32_t>(t.n_dims));
    for (int d = 0; d < t.n_dims; ++d) put<uint64_t>(out, static_cast<uint64_t>(t.ne[d]));
    put<uint32_t>(out, t.ggml_type);
    put<uint64_t>(out, t.offset);
  }
  out.resize((out.size() + alignment - 1) / alignment * alignment, 0);
  return out;
}

}  // namespace mosaic::gguf
