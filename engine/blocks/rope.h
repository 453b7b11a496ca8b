// Rotary position embedding shared by the architectures: which dimensions
// form a rotated pair (adjacent, as llama and deepseek2 store them, or the two
// halves of the head, as NEOX/qwen do) and how long-context variants rescale
// the frequencies (linear interpolation, or YaRN's per-frequency blend).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace mosaic {

enum class RopePairing { Adjacent, Halves };  // (2i, 2i+1) vs (i, i + n_rot/2)
enum class RopeScaling { None, Linear, Yarn };

struct RopeParams {
  int64_t n_rot = 0;  // rotated dimensions per head (even)
  double freq_base = 10000.0;
  RopeScaling scaling = RopeScaling::None;
  double factor = 1.0;     // context extension factor (frequencies divided by it)
  int64_t n_ctx_orig = 0;  // YaRN: the context the model was trained with
  double beta_fast = 32.0;
  double beta_slow = 1.0;
  double magnitude = 1.0;  // multiplies cos and sin (YaRN's attention factor, when
                           // an architecture carries it in the rotation)
  // Interleaved multimodal rope (Qwen3-VL, the file's rope.dimension_sections
  // for time, row, column): pair i takes its angle from the row position when
  // i % 3 == 1 and i < 3 * sections[1], from the column when i % 3 == 2 and
  // i < 3 * sections[2], else from the time position. All zero: plain rope.
  std::array<int64_t, 3> interleaved_sections{0, 0, 0};
};

// A token's three rotary position components (time, row, column). A text
// token has all three equal to its position, which makes the interleaved
// multimodal rotation identical to the plain one.
struct RopePosition {
  int32_t t = 0, y = 0, x = 0;
  static RopePosition text(int64_t pos) {
    const auto p = static_cast<int32_t>(pos);
    return {p, p, p};
  }
};

// YaRN's correction range in pair indices: pairs at or below `low` rotate
// fast enough to keep their original frequency (extrapolation), pairs at or
// above `high` are fully interpolated (divided by the factor), and the blend
// is linear in between. Both ends are clamped to [0, n_rot - 1].
struct YarnRange {
  double low = 0;
  double high = 0;
};
YarnRange yarn_correction_range(int64_t n_rot, int64_t n_ctx_orig, double freq_base,
                                double beta_fast, double beta_slow);

// YaRN's attention temperature: 1 + 0.1 * coefficient * ln(factor) for
// factor > 1, else 1.
double yarn_mscale(double factor, double coefficient);

// Immutable after construction (the per-pair frequencies are computed once),
// so one instance serves every session.
class RotaryEmbedding {
 public:
  RotaryEmbedding() = default;
  explicit RotaryEmbedding(const RopeParams& params);

  int64_t n_rot() const { return static_cast<int64_t>(freq_.size()) * 2; }
  // Radians per position of pair i, after scaling.
  double pair_frequency(int64_t i) const { return freq_[i]; }

  // Rotates the first n_rot floats of n_heads vectors (head h starts at
  // x + h * head_stride) as position `pos`.
  void apply(float* x, int64_t n_heads, int64_t head_stride, int64_t pos,
             RopePairing pairing) const;
  // The same with a position per component (see interleaved_sections; with
  // no sections only pos.t counts).
  void apply(float* x, int64_t n_heads, int64_t head_stride, RopePosition pos,
             RopePairing pairing) const;

 private:
  std::vector<double> freq_;
  std::vector<uint8_t> component_;  // per pair: 0 time, 1 row, 2 column
  double magnitude_ = 1.0;
};

}  // namespace mosaic
