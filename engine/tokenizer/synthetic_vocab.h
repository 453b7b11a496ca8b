// A real-shaped Qwen-style byte-level BPE vocabulary for synthetic test and
// benchmark models: the 256 byte tokens, merges learned by actually training
// BPE on an embedded multilingual text, the Qwen chat special tokens, then
// <|unused_N|> fillers up to exactly n_vocab.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/tokenizer/tokenizer.h"

namespace mosaic::tok {

// Layout: [0, 256) byte tokens (GPT-2 order), then learned merge tokens (as
// many as fit, at most a few thousand), then <|endoftext|>, <|im_start|>,
// <|im_end|> (Control), <think>, </think> (UserDefined), then Unused fillers.
// model "gpt2", pre "qwen2", bos -1, eos = eot = <|im_end|>, pad =
// <|endoftext|>, add_bos false. The seed breaks ties between equally frequent
// pairs, so different seeds give slightly different merges. Deterministic.
// With SpecialTokens::ChatAndVision the Qwen-VL wrappers <|vision_start|>,
// <|vision_end|>, <|image_pad|>, <|video_pad|> (Control) follow </think>,
// and four fewer merges are learned.
// Throws mosaic::Error(InvalidArgument) when n_vocab < 262 (266 with vision).
enum class SpecialTokens { Chat, ChatAndVision };
Vocab make_synthetic_bpe_vocab(int32_t n_vocab, uint64_t seed,
                               SpecialTokens specials = SpecialTokens::Chat);

// The embedded training text (multilingual prose, code, emoji, digits).
std::string_view synthetic_training_text();

}  // namespace mosaic::tok
