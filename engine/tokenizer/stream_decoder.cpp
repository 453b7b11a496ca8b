#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/utf8.h"

namespace mosaic::tok {

StreamDecoder::StreamDecoder(const Tokenizer& tokenizer) : tokenizer_(&tokenizer) {}

std::string StreamDecoder::push(int32_t id) {
  pending_ += tokenizer_->token_to_piece(id);
  std::string out;
  pending_.erase(0, take_complete_utf8(pending_, /*at_end=*/false, out));
  return out;
}

std::string StreamDecoder::flush() {
  std::string out;
  take_complete_utf8(pending_, /*at_end=*/true, out);
  pending_.clear();
  return out;
}

void StreamDecoder::reset() { pending_.clear(); }

}  // namespace mosaic::tok
