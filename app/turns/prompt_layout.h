// A rendered prompt laid out in context slots: its text tokenized between
// the media markers, each picture's slots (its rows plus the model's wrapper
// tokens) in between. The layout is what the KV-cache reuse compares and
// what feeding resumes part-way through.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "app/turns/prompt_pictures.h"
#include "mosaic/engine.h"

namespace mosaic::turns {

struct LaidOutPicture {
  const PromptPicture* picture = nullptr;  // borrowed from the caller's messages
  int64_t first_slot = 0;
  int64_t slots = 0;  // rows + wrapper tokens
};

struct PromptLayout {
  std::vector<std::vector<mosaic_token>> texts;  // pictures.size() + 1 pieces
  std::vector<LaidOutPicture> pictures;
  // One per context slot: the token id, or the picture's key (< 0) for each
  // of its slots.
  std::vector<int64_t> slot_keys;

  int64_t size() const { return static_cast<int64_t>(slot_keys.size()); }
};

// The key every slot of a picture gets: negative, and the same for the same
// identity.
int64_t picture_slot_key(const PromptPicture& picture);

// Lays out `prompt`, whose media markers stand for `pictures` in order.
// Throws TurnError when the counts differ or a picture has no grid, and
// app::EngineError when the session cannot count the slots.
PromptLayout lay_out_prompt(const mosaic_model* model, const mosaic_session* session,
                            std::string_view prompt,
                            std::span<const PromptPicture* const> pictures);

// The pictures whose slots start at or after `from_slot` (those to encode
// and feed when the first `from_slot` slots are cached). Throws TurnError if
// `from_slot` falls inside a picture.
std::vector<const LaidOutPicture*> pictures_from(const PromptLayout& layout, int64_t from_slot);

// The engine chunks for the slots from `from_slot` on; `embeddings[i]` is the
// encoded pictures_from(layout, from_slot)[i]. Borrows everything.
std::vector<mosaic_chunk> chunks_from(const PromptLayout& layout, int64_t from_slot,
                                      std::span<const mosaic_image_embedding* const> embeddings);

}  // namespace mosaic::turns
