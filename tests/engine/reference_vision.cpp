#include "tests/engine/reference_vision.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "engine/gguf/gguf_reader.h"
#include "kernels/cpu/quant.h"

namespace mosaic::testing {
namespace {

using Vec = std::vector<double>;

class Tensors {
 public:
  explicit Tensors(const gguf::GgufFile& f) : f_(f) {}
  // All elements of an F32 or F16 tensor, in storage order.
  Vec values(const std::string& name) const {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    if (!t) throw std::runtime_error("reference: missing tensor " + name);
    Vec v(t->n_elements);
    for (uint64_t i = 0; i < t->n_elements; ++i) {
      if (t->type == kernels::DType::F32) {
        float x;
        std::memcpy(&x, t->data + i * 4, 4);
        v[i] = x;
      } else if (t->type == kernels::DType::F16) {
        uint16_t h;
        std::memcpy(&h, t->data + i * 2, 2);
        v[i] = kernels::fp16_to_fp32(h);
      } else {
        throw std::runtime_error("reference: unsupported type of " + name);
      }
    }
    return v;
  }
  int64_t ne(const std::string& name, int d) const { return f_.find_tensor(name)->ne[d]; }
  bool has(const std::string& name) const { return f_.find_tensor(name) != nullptr; }

 private:
  const gguf::GgufFile& f_;
};

// y = W x + b with W stored {n_in, n_out} (row o at o * n_in).
Vec affine(const Tensors& t, const std::string& base, const Vec& x) {
  const Vec w = t.values(base + ".weight"), b = t.values(base + ".bias");
  const size_t n_in = x.size(), n_out = b.size();
  Vec y(n_out);
  for (size_t o = 0; o < n_out; ++o) {
    double s = b[o];
    for (size_t i = 0; i < n_in; ++i) s += w[o * n_in + i] * x[i];
    y[o] = s;
  }
  return y;
}

Vec layer_norm(const Tensors& t, const std::string& base, const Vec& x, double eps) {
  const Vec w = t.values(base + ".weight"), b = t.values(base + ".bias");
  double mean = 0, var = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  for (double v : x) var += (v - mean) * (v - mean);
  var /= static_cast<double>(x.size());
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = (x[i] - mean) / std::sqrt(var + eps) * w[i] + b[i];
  return y;
}

// The blocks' MLPs use the tanh GELU (hidden_act gelu_pytorch_tanh); the
// mergers (final and DeepStack) PyTorch's exact one, with erf.
double gelu_tanh(double v) {
  return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
}
double gelu_erf(double v) { return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))); }

Vec mlp(const Tensors& t, const std::string& fc1, const std::string& fc2, const Vec& x,
        double (*gelu)(double)) {
  Vec h = affine(t, fc1, x);
  for (double& v : h) v = gelu(v);
  return affine(t, fc2, h);
}

// Keys bicubic (a = -0.5) stretched by the shrink factor, one axis at a
// time in PIL's fixed point, each pass rounded to 8 bits; then
// (x/255 - mean)/std; planar.
double cubic(double x) {
  x = std::abs(x);
  // Horner's form, as the engine evaluates it: a last-bit difference could
  // move a 22-bit fixed-point weight by one.
  if (x < 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

// out[d] from src[0..n): a weighted mean over every source sample.
Vec resample(const Vec& src, int64_t dst_n) {
  const auto src_n = static_cast<int64_t>(src.size());
  const double scale = static_cast<double>(src_n) / static_cast<double>(dst_n);
  const double stretch = std::max(scale, 1.0);
  Vec out(static_cast<size_t>(dst_n));
  for (int64_t d = 0; d < dst_n; ++d) {
    const double centre = (d + 0.5) * scale;
    Vec w(static_cast<size_t>(src_n));
    double total = 0;
    for (int64_t i = 0; i < src_n; ++i) {
      w[static_cast<size_t>(i)] = cubic((i + 0.5 - centre) / stretch);
      total += w[static_cast<size_t>(i)];
    }
    // Weights normalized before the sum, so an 8-bit rounding tie falls the
    // same way as in the engine.
    double sum = 0;
    for (int64_t i = 0; i < src_n; ++i)
      sum += w[static_cast<size_t>(i)] / total * src[static_cast<size_t>(i)];
    out[static_cast<size_t>(d)] = std::clamp(std::round(sum), 0.0, 255.0);
  }
  return out;
}

std::vector<Vec> preprocess(const ReferenceImage& img, int64_t tw, int64_t th, const Vec& mean,
                            const Vec& stdv) {
  std::vector<Vec> planes(3, Vec(static_cast<size_t>(tw * th)));
  for (int c = 0; c < 3; ++c) {
    std::vector<Vec> rows;  // each source row resampled across
    for (int64_t y = 0; y < img.height_px; ++y) {
      Vec row(static_cast<size_t>(img.width_px));
      for (int64_t x = 0; x < img.width_px; ++x)
        row[static_cast<size_t>(x)] = img.rgb[static_cast<size_t>((y * img.width_px + x) * 3 + c)];
      rows.push_back(resample(row, tw));
    }
    for (int64_t x = 0; x < tw; ++x) {
      Vec column(static_cast<size_t>(img.height_px));
      for (int64_t y = 0; y < img.height_px; ++y)
        column[static_cast<size_t>(y)] = rows[static_cast<size_t>(y)][static_cast<size_t>(x)];
      const Vec down = resample(column, th);
      for (int64_t y = 0; y < th; ++y)
        planes[static_cast<size_t>(c)][static_cast<size_t>(y * tw + x)] =
            (down[static_cast<size_t>(y)] / 255.0 - mean[static_cast<size_t>(c)]) /
            stdv[static_cast<size_t>(c)];
    }
  }
  return planes;
}

}  // namespace

std::vector<std::vector<double>> reference_encode(const std::string& path,
                                                  const ReferenceImage& image, int64_t tw,
                                                  int64_t th, const ReferenceImage* next_frame) {
  const gguf::GgufFile f = gguf::GgufFile::open(path);
  const gguf::Metadata& m = f.metadata();
  Tensors t(f);
  const int64_t e = *m.get_int("clip.vision.embedding_length");
  const int64_t n_layer = *m.get_int("clip.vision.block_count");
  const int64_t n_head = *m.get_int("clip.vision.attention.head_count");
  const int64_t p = *m.get_int("clip.vision.patch_size");
  const double eps = *m.get_float("clip.vision.attention.layer_norm_epsilon");
  const Vec mean = *m.get_float_array("clip.vision.image_mean");
  const Vec stdv = *m.get_float_array("clip.vision.image_std");
  const auto ds_flags = m.find("clip.vision.is_deepstack_layers")->elements<uint8_t>();
  const int64_t hd = e / n_head;

  const std::vector<Vec> px = preprocess(image, tw, th, mean, stdv);
  const std::vector<Vec> px2 = preprocess(next_frame ? *next_frame : image, tw, th, mean, stdv);
  const int64_t gw = tw / p, gh = th / p, n = gw * gh;

  // Patch embedding in raster order: the temporal kernels see the frame and
  // the next one (a still image is its own next frame).
  const Vec k0 = t.values("v.patch_embd.weight"), k1 = t.values("v.patch_embd.weight.1");
  const Vec kb = t.values("v.patch_embd.bias");
  const Vec pos = t.values("v.position_embd.weight");
  const auto side = static_cast<int64_t>(std::llround(std::sqrt(pos.size() / e)));
  std::vector<Vec> x(static_cast<size_t>(n), Vec(static_cast<size_t>(e)));
  for (int64_t py = 0; py < gh; ++py)
    for (int64_t pxi = 0; pxi < gw; ++pxi) {
      Vec& r = x[static_cast<size_t>(py * gw + pxi)];
      for (int64_t o = 0; o < e; ++o) {
        double s = kb[static_cast<size_t>(o)];
        for (int64_t c = 0; c < 3; ++c)
          for (int64_t ky = 0; ky < p; ++ky)
            for (int64_t kx = 0; kx < p; ++kx) {
              const size_t ki = static_cast<size_t>(((o * 3 + c) * p + ky) * p + kx);
              const auto at = static_cast<size_t>((py * p + ky) * tw + pxi * p + kx);
              s += k0[ki] * px[static_cast<size_t>(c)][at] +
                   k1[ki] * px2[static_cast<size_t>(c)][at];
            }
        r[static_cast<size_t>(o)] = s;
      }
      // Position table sampled at linspace(0, side - 1, grid) in each axis.
      const double sy = gh > 1 ? static_cast<double>(py) * (side - 1) / (gh - 1) : 0.0;
      const double sx = gw > 1 ? static_cast<double>(pxi) * (side - 1) / (gw - 1) : 0.0;
      const auto y0 = static_cast<int64_t>(sy), x0 = static_cast<int64_t>(sx);
      const int64_t y1 = std::min(y0 + 1, side - 1), x1 = std::min(x0 + 1, side - 1);
      const double fy = sy - y0, fx = sx - x0;
      for (int64_t o = 0; o < e; ++o) {
        auto at = [&](int64_t yy, int64_t xx) {
          return pos[static_cast<size_t>((yy * side + xx) * e + o)];
        };
        r[static_cast<size_t>(o)] += (1 - fy) * (1 - fx) * at(y0, x0) + (1 - fy) * fx * at(y0, x1) +
                                     fy * (1 - fx) * at(y1, x0) + fy * fx * at(y1, x1);
      }
    }

  // Rotary angles per patch: head_dim/4 frequencies for the row, the same for
  // the column, concatenated; each angle rotates (v[i], v[i + hd/2]).
  auto rotate = [&](Vec& v, int64_t py, int64_t pxi) {
    const int64_t q = hd / 4;
    for (int64_t h = 0; h < n_head; ++h) {
      Vec angle(static_cast<size_t>(hd / 2));
      for (int64_t j = 0; j < q; ++j) {
        const double inv = 1.0 / std::pow(10000.0, 2.0 * j / (hd / 2.0));
        angle[static_cast<size_t>(j)] = py * inv;
        angle[static_cast<size_t>(q + j)] = pxi * inv;
      }
      double* b = v.data() + h * hd;
      for (int64_t i = 0; i < hd / 2; ++i) {
        const double a = b[i], c = b[i + hd / 2], th2 = angle[static_cast<size_t>(i)];
        b[i] = a * std::cos(th2) - c * std::sin(th2);
        b[i + hd / 2] = c * std::cos(th2) + a * std::sin(th2);
      }
    }
  };

  // Gathers each 2x2 block of patches (raster within the block) into one row.
  const int64_t mw = gw / 2, mh = gh / 2;
  auto merge = [&](const std::vector<Vec>& rows) {
    std::vector<Vec> merged;
    for (int64_t by = 0; by < mh; ++by)
      for (int64_t bx = 0; bx < mw; ++bx) {
        Vec r;
        for (int64_t dy = 0; dy < 2; ++dy)
          for (int64_t dx = 0; dx < 2; ++dx) {
            const Vec& s = rows[static_cast<size_t>((2 * by + dy) * gw + 2 * bx + dx)];
            r.insert(r.end(), s.begin(), s.end());
          }
        merged.push_back(std::move(r));
      }
    return merged;
  };

  std::vector<std::vector<Vec>> deepstack;
  for (int64_t il = 0; il < n_layer; ++il) {
    const std::string b = fmt::format("v.blk.{}.", il);
    std::vector<Vec> q(static_cast<size_t>(n)), k(static_cast<size_t>(n)),
        v(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const Vec h = layer_norm(t, b + "ln1", x[static_cast<size_t>(i)], eps);
      if (t.has(b + "attn_qkv.weight")) {
        const Vec qkv = affine(t, b + "attn_qkv", h);
        q[static_cast<size_t>(i)].assign(qkv.begin(), qkv.begin() + e);
        k[static_cast<size_t>(i)].assign(qkv.begin() + e, qkv.begin() + 2 * e);
        v[static_cast<size_t>(i)].assign(qkv.begin() + 2 * e, qkv.end());
      } else {
        q[static_cast<size_t>(i)] = affine(t, b + "attn_q", h);
        k[static_cast<size_t>(i)] = affine(t, b + "attn_k", h);
        v[static_cast<size_t>(i)] = affine(t, b + "attn_v", h);
      }
      rotate(q[static_cast<size_t>(i)], i / gw, i % gw);
      rotate(k[static_cast<size_t>(i)], i / gw, i % gw);
    }
    std::vector<Vec> next = x;
    for (int64_t i = 0; i < n; ++i) {
      Vec att(static_cast<size_t>(e), 0.0);
      for (int64_t h = 0; h < n_head; ++h) {
        Vec s(static_cast<size_t>(n));
        double mx = -1e300, sum = 0;
        for (int64_t j = 0; j < n; ++j) {
          double d = 0;
          for (int64_t c = 0; c < hd; ++c)
            d += q[static_cast<size_t>(i)][static_cast<size_t>(h * hd + c)] *
                 k[static_cast<size_t>(j)][static_cast<size_t>(h * hd + c)];
          s[static_cast<size_t>(j)] = d / std::sqrt(static_cast<double>(hd));
          mx = std::max(mx, s[static_cast<size_t>(j)]);
        }
        for (double& z : s) sum += (z = std::exp(z - mx));
        for (int64_t j = 0; j < n; ++j)
          for (int64_t c = 0; c < hd; ++c)
            att[static_cast<size_t>(h * hd + c)] +=
                s[static_cast<size_t>(j)] / sum *
                v[static_cast<size_t>(j)][static_cast<size_t>(h * hd + c)];
      }
      const Vec o = affine(t, b + "attn_out", att);
      Vec& r = next[static_cast<size_t>(i)];
      for (int64_t c = 0; c < e; ++c) r[static_cast<size_t>(c)] += o[static_cast<size_t>(c)];
      const Vec f2 =
          mlp(t, b + "ffn_up", b + "ffn_down", layer_norm(t, b + "ln2", r, eps), gelu_tanh);
      for (int64_t c = 0; c < e; ++c) r[static_cast<size_t>(c)] += f2[static_cast<size_t>(c)];
    }
    x = std::move(next);
    if (ds_flags[static_cast<size_t>(il)]) {
      const std::string d = fmt::format("v.deepstack.{}.", il);
      std::vector<Vec> out;
      for (const Vec& r : merge(x))
        out.push_back(mlp(t, d + "fc1", d + "fc2", layer_norm(t, d + "norm", r, eps), gelu_erf));
      deepstack.push_back(std::move(out));
    }
  }
  std::vector<Vec> normed;
  for (const Vec& r : x) normed.push_back(layer_norm(t, "v.post_ln", r, eps));
  std::vector<Vec> result;
  for (const Vec& r : merge(normed)) result.push_back(mlp(t, "mm.0", "mm.2", r, gelu_erf));
  for (size_t i = 0; i < result.size(); ++i)
    for (const auto& ds : deepstack) result[i].insert(result[i].end(), ds[i].begin(), ds[i].end());
  return result;
}

std::vector<std::vector<double>> reference_preprocess(const ReferenceImage& image, int64_t target_w,
                                                      int64_t target_h,
                                                      const std::vector<double>& mean,
                                                      const std::vector<double>& std_dev) {
  return preprocess(image, target_w, target_h, mean, std_dev);
}

}  // namespace mosaic::testing
