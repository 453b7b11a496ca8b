#include "engine/vision/vision_encoder.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/error.h"
#include "engine/vision/image_size.h"
#include "engine/vision/patch_embed.h"
#include "engine/vision/patch_grid.h"
#include "engine/vision/vision_ops.h"

namespace mosaic::vision {
namespace {

void report(const EncodeProgress& progress, float fraction) {
  if (progress && !progress(fraction)) fail(ErrorCode::Cancelled, "image encoding cancelled");
}

// One pre-norm block: x += attn(ln1(x)); x += ffn(ln2(x)).
void run_block(kernels::ThreadPool& pool, const VisionHparams& hp, const VisionLayerWeights& l,
               const std::vector<PatchPos>& order, std::vector<float>& x) {
  const int64_t n = static_cast<int64_t>(order.size()), e = hp.n_embd;
  std::vector<float> h(x.size()), qkv(static_cast<size_t>(n * 3 * e));
  layer_norm_rows(pool, x.data(), n, e, l.ln1, hp.eps, h.data());
  if (l.qkv.w.present()) {
    linear_rows(pool, l.qkv, h.data(), n, e, qkv.data(), 3 * e);
  } else {
    linear_rows(pool, l.q, h.data(), n, e, qkv.data(), 3 * e);
    linear_rows(pool, l.k, h.data(), n, e, qkv.data() + e, 3 * e);
    linear_rows(pool, l.v, h.data(), n, e, qkv.data() + 2 * e, 3 * e);
  }
  rope_2d_rows(pool, qkv.data(), 3 * e, hp.n_head, hp.head_dim, order);
  rope_2d_rows(pool, qkv.data() + e, 3 * e, hp.n_head, hp.head_dim, order);
  full_attention(pool, qkv.data(), qkv.data() + e, qkv.data() + 2 * e, 3 * e, n, hp.n_head,
                 hp.head_dim, h.data(), e);
  std::vector<float> o(x.size());
  linear_rows(pool, l.out, h.data(), n, e, o.data(), e);
  for (size_t i = 0; i < x.size(); ++i) x[i] += o[i];

  layer_norm_rows(pool, x.data(), n, e, l.ln2, hp.eps, h.data());
  std::vector<float> up(static_cast<size_t>(n * hp.n_ff));
  linear_rows(pool, l.up, h.data(), n, e, up.data(), hp.n_ff);
  gelu_rows(pool, up.data(), n, hp.n_ff, Gelu::Tanh);
  linear_rows(pool, l.down, up.data(), n, hp.n_ff, o.data(), e);
  for (size_t i = 0; i < x.size(); ++i) x[i] += o[i];
}

// fc2(gelu(fc1(rows))) into columns [col, col + projection_dim) of out.
void project(kernels::ThreadPool& pool, const LinearWeights& fc1, const LinearWeights& fc2,
             const std::vector<float>& merged, int64_t n_tok, int64_t n_in, float* out,
             int64_t ld_out) {
  std::vector<float> mid(static_cast<size_t>(n_tok * fc1.n_out()));
  linear_rows(pool, fc1, merged.data(), n_tok, n_in, mid.data(), fc1.n_out());
  gelu_rows(pool, mid.data(), n_tok, fc1.n_out(), Gelu::Erf);  // the mergers' nn.GELU()
  linear_rows(pool, fc2, mid.data(), n_tok, fc1.n_out(), out, ld_out);
}

}  // namespace

VisionEncoder::VisionEncoder(std::unique_ptr<gguf::GgufFile> file, VisionHparams hp,
                             VisionWeights w)
    : file_(std::move(file)), hp_(std::move(hp)), w_(std::move(w)) {}

VisionEncoder VisionEncoder::open(const std::string& path) {
  auto file = std::make_unique<gguf::GgufFile>(gguf::GgufFile::open(path));
  VisionHparams hp = read_vision_hparams(*file);
  VisionWeights w = load_vision_weights(*file, hp);
  return VisionEncoder(std::move(file), std::move(hp), std::move(w));
}

PixelSize VisionEncoder::input_size(int64_t width_px, int64_t height_px, int64_t max_tokens) const {
  const int64_t token_pixels = hp_.pixel_factor() * hp_.pixel_factor();
  int64_t max_pixels = hp_.max_pixels;
  if (max_tokens > 0 && max_tokens <= max_pixels / token_pixels) {
    max_pixels = std::max(hp_.min_pixels, max_tokens * token_pixels);
  }
  return fit_image_size(width_px, height_px, hp_.pixel_factor(), hp_.min_pixels, max_pixels);
}

ImageEmbedding VisionEncoder::encode(kernels::ThreadPool& pool, const RgbImage& image,
                                     const EncodeProgress& progress, int64_t max_tokens) const {
  check_image(image);
  const PixelSize size = input_size(image.width_px, image.height_px, max_tokens);
  const std::vector<float> pixels = normalize_image(image, size, hp_.image_mean, hp_.image_std);
  return encode_pixels(pool, pixels.data(), size, progress);
}

ImageEmbedding VisionEncoder::encode_pair(kernels::ThreadPool& pool, const RgbImage& first,
                                          const RgbImage& second, const EncodeProgress& progress,
                                          int64_t max_tokens) const {
  check_image(first);
  check_image(second);
  if (first.width_px != second.width_px || first.height_px != second.height_px)
    fail(ErrorCode::InvalidArgument,
         fmt::format("the two frames differ in size ({}x{} and {}x{})", first.width_px,
                     first.height_px, second.width_px, second.height_px));
  const PixelSize size = input_size(first.width_px, first.height_px, max_tokens);
  const std::vector<float> a = normalize_image(first, size, hp_.image_mean, hp_.image_std);
  const std::vector<float> b = normalize_image(second, size, hp_.image_mean, hp_.image_std);
  return encode_pixels(pool, a.data(), size, progress, b.data());
}

ImageEmbedding VisionEncoder::encode_pixels(kernels::ThreadPool& pool, const float* pixels,
                                            PixelSize size, const EncodeProgress& progress,
                                            const float* second_pixels) const {
  const int64_t f = hp_.pixel_factor();
  if (size.width_px <= 0 || size.height_px <= 0 || size.width_px % f || size.height_px % f)
    fail(ErrorCode::InvalidArgument,
         fmt::format("input size {}x{} is not a positive multiple of {} pixels", size.width_px,
                     size.height_px, f));
  const int64_t gw = size.width_px / hp_.patch_size, gh = size.height_px / hp_.patch_size;
  const int64_t e = hp_.n_embd, m = hp_.merge_size;
  const std::vector<PatchPos> order = merge_ordered_patches(gw, gh, m);
  const int64_t n = static_cast<int64_t>(order.size());
  report(progress, 0.0f);

  std::vector<float> x =
      embed_patches(pool, w_, e, hp_.patch_size, pixels, gw, order, second_pixels);
  add_position_embeddings(w_, e, gw, gh, order, x.data());

  ImageEmbedding out;
  out.grid_w = gw / m;
  out.grid_h = gh / m;
  out.n_tokens = n / (m * m);
  out.projection_dim = hp_.projection_dim;
  out.n_deepstack = static_cast<int64_t>(w_.deepstack.size());
  out.rows.assign(static_cast<size_t>(out.n_tokens * out.row_width()), 0.0f);
  // Consecutive rows of m*m patches are one merged token, so the merged
  // input is the same buffer read as wider rows.
  const int64_t merged_width = e * m * m;

  size_t next_deepstack = 0;
  std::vector<float> merged(x.size());
  for (int64_t il = 0; il < hp_.n_layer; ++il) {
    run_block(pool, hp_, w_.layers[static_cast<size_t>(il)], order, x);
    if (next_deepstack < w_.deepstack.size() && w_.deepstack[next_deepstack].layer == il) {
      const DeepstackWeights& d = w_.deepstack[next_deepstack];
      layer_norm_rows(pool, x.data(), out.n_tokens, merged_width, d.norm, hp_.eps, merged.data());
      ++next_deepstack;
      project(pool, d.fc1, d.fc2, merged, out.n_tokens, merged_width,
              out.rows.data() + static_cast<int64_t>(next_deepstack) * out.projection_dim,
              out.row_width());
    }
    report(progress, static_cast<float>(il + 1) / static_cast<float>(hp_.n_layer + 1));
  }
  layer_norm_rows(pool, x.data(), n, e, w_.post_ln, hp_.eps, merged.data());
  project(pool, w_.merger_fc1, w_.merger_fc2, merged, out.n_tokens, merged_width, out.rows.data(),
          out.row_width());
  report(progress, 1.0f);
  return out;
}

}  // namespace mosaic::vision
