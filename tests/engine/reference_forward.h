#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/blocks/latent_attention.h"
#include "engine/gguf/gguf_reader.h"

namespace mosaic::testing {

struct ReferenceResult {
  std::vector<std::vector<double>> logits;  // per position, n_vocab
  // Per position, the smallest gap over all layers between the router
  // probabilities of the last chosen and the first rejected expert. Where it
  // is tiny, any rounding may legitimately pick the other expert, so
  // comparisons at that position say nothing about correctness.
  std::vector<double> routing_margin;
};

// Exact: activations in double precision everywhere. RoundedLikeEngine:
// before each product with a quantized weight, the activations are rounded
// to that weight's 8-bit dot-product format (as the engine, like llama.cpp,
// does); then only summation order separates engine and reference.
enum class Activations { Exact, RoundedLikeEngine };
enum class KvStorage { Full, Half };

// Every position of `tokens` for the qwen3moe or deepseek2 model at `path`,
// computed plainly in double precision (see reference_forward*.cpp).
// latent_form (deepseek2 only): which form of latent attention the engine
// used, so that RoundedLikeEngine rounds where it did (the absorbed form
// rounds q_nope and the attention-weighted latent; the expanded form rounds
// neither).
ReferenceResult reference_forward(const std::string& path, const std::vector<int32_t>& tokens,
                                  Activations activations, KvStorage kv,
                                  LatentForm latent_form = LatentForm::Absorbed);

// One input position for the multimodal reference: a token, or an image row
// (the input embedding followed by its DeepStack slices), with its three
// rotary position components (time, row, column).
struct ReferenceInput {
  int32_t token = -1;             // >= 0: a token
  std::vector<double> embedding;  // else: n_embd * (1 + n_deepstack) values
  int64_t t = 0, y = 0, x = 0;
};

// qwen3moe / qwen3vlmoe over mixed inputs (tokens get the positions given,
// which for text are all equal).
ReferenceResult reference_forward_inputs(const std::string& path,
                                         const std::vector<ReferenceInput>& inputs,
                                         Activations activations, KvStorage kv);

// The deepseek2 part, in the textbook (non-absorbed) form of its attention.
ReferenceResult reference_forward_deepseek2(const gguf::GgufFile& file,
                                            const std::vector<int32_t>& tokens,
                                            Activations activations, KvStorage kv,
                                            LatentForm latent_form);

}  // namespace mosaic::testing
