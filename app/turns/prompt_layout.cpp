#include "app/turns/prompt_layout.h"

#include <fmt/format.h>

#include "app/core/engine_handles.h"
#include "app/core/media_marker.h"
#include "app/turns/model_chat_template.h"

namespace mosaic::turns {

int64_t picture_slot_key(const PromptPicture& picture) {
  // FNV-1a: stable within the process, which is all the KV-cache mirror needs.
  uint64_t hash = 14695981039346656037ull;
  for (const char c : picture.identity) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return -static_cast<int64_t>(hash >> 2) - 1;
}

PromptLayout lay_out_prompt(const mosaic_model* model, const mosaic_session* session,
                            std::string_view prompt,
                            std::span<const PromptPicture* const> pictures) {
  const std::vector<std::string_view> pieces = app::split_at_media_markers(prompt);
  if (pieces.size() != pictures.size() + 1) {
    throw TurnError(fmt::format("the prompt has {} picture places for {} pictures",
                                pieces.size() - 1, pictures.size()));
  }
  PromptLayout layout;
  for (size_t i = 0; i < pieces.size(); ++i) {
    layout.texts.push_back(app::tokenize(model, pieces[i], MOSAIC_TOKENIZE_PARSE_SPECIAL));
    layout.slot_keys.insert(layout.slot_keys.end(), layout.texts.back().begin(),
                            layout.texts.back().end());
    if (i == pictures.size()) break;
    const PromptPicture& picture = *pictures[i];
    if (picture.grid_w <= 0 || picture.grid_h <= 0) {
      throw TurnError(fmt::format("picture {} of {} has no size", i + 1, picture.source_name));
    }
    // The session knows the model's wrapper tokens; it counts from the grid alone.
    mosaic_image_embedding grid{};
    grid.grid_w = picture.grid_w;
    grid.grid_h = picture.grid_h;
    grid.n_tokens = picture.grid_w * picture.grid_h;
    mosaic_chunk chunk{};
    chunk.type = MOSAIC_CHUNK_IMAGE;
    chunk.image = &grid;
    size_t slots = 0;
    app::check(mosaic_session_count_chunks(session, &chunk, 1, &slots), "cannot count a picture");
    layout.pictures.push_back({&picture, layout.size(), static_cast<int64_t>(slots)});
    layout.slot_keys.insert(layout.slot_keys.end(), slots, picture_slot_key(picture));
  }
  return layout;
}

std::vector<const LaidOutPicture*> pictures_from(const PromptLayout& layout, int64_t from_slot) {
  std::vector<const LaidOutPicture*> out;
  for (const LaidOutPicture& p : layout.pictures) {
    if (p.first_slot >= from_slot) {
      out.push_back(&p);
    } else if (p.first_slot + p.slots > from_slot) {
      throw TurnError("the cached prompt ends inside a picture");
    }
  }
  return out;
}

std::vector<mosaic_chunk> chunks_from(const PromptLayout& layout, int64_t from_slot,
                                      std::span<const mosaic_image_embedding* const> embeddings) {
  std::vector<mosaic_chunk> chunks;
  int64_t slot = 0;
  size_t next_embedding = 0;
  for (size_t i = 0; i < layout.texts.size(); ++i) {
    const std::vector<mosaic_token>& text = layout.texts[i];
    const int64_t n = static_cast<int64_t>(text.size());
    if (slot + n > from_slot) {
      const int64_t skip = std::max<int64_t>(0, from_slot - slot);
      mosaic_chunk chunk{};
      chunk.type = MOSAIC_CHUNK_TOKENS;
      chunk.tokens = text.data() + skip;
      chunk.n_tokens = static_cast<size_t>(n - skip);
      chunks.push_back(chunk);
    }
    slot += n;
    if (i == layout.pictures.size()) break;
    const LaidOutPicture& picture = layout.pictures[i];
    if (picture.first_slot >= from_slot) {
      if (next_embedding >= embeddings.size()) throw TurnError("a picture was not encoded");
      mosaic_chunk chunk{};
      chunk.type = MOSAIC_CHUNK_IMAGE;
      chunk.image = embeddings[next_embedding++];
      chunks.push_back(chunk);
    }
    slot += picture.slots;
  }
  return chunks;
}

}  // namespace mosaic::turns
