// Standard base64 (RFC 4648, with padding) for attachments embedded in JSON exports.
#pragma once

#include <string>
#include <string_view>

namespace mosaic::store {

std::string base64_encode(std::string_view bytes);
// Throws StoreError(InvalidArgument) on characters outside the alphabet or a
// length that is not a multiple of 4. Whitespace is not accepted.
std::string base64_decode(std::string_view text);

}  // namespace mosaic::store
