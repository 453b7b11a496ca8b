// Matrix products: work splitting and the choice between the two kernels.
//
// Few tokens (decode): every weight byte is used once per token, so the
// product is a memory stream. Rows are split into contiguous chunks claimed
// dynamically by the threads; each chunk computes all of its tokens from the
// same weight row while it is in L1.
//
// Many tokens (prefill, MoE experts with many routed tokens): the ISA's
// blocked kernel (gemm) takes a block of output rows, repacks those weights
// once into a register-friendly layout and reuses them for every token of the
// work item, with several rows x tokens accumulated in registers.
#include "kernels/cpu/matmul.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/prefetch_rows.h"
#include "kernels/cpu/quant.h"

namespace mosaic::kernels {
namespace {

constexpr size_t kAlign = 64;

// Grow-only, 64-byte aligned per-thread buffer: no allocation once warm.
struct AlignedBuffer {
  std::vector<uint8_t> storage;
  uint8_t* get(size_t bytes) {
    if (storage.size() < bytes + kAlign) storage.resize(bytes + kAlign);
    const auto p = reinterpret_cast<uintptr_t>(storage.data());
    return reinterpret_cast<uint8_t*>((p + kAlign - 1) & ~(kAlign - 1));
  }
};

struct ThreadScratch {
  AlignedBuffer gemm;
  std::vector<const uint8_t*> x_ptrs;
  std::vector<float*> y_ptrs;
};

ThreadScratch& thread_scratch() {
  thread_local ThreadScratch s;
  return s;
}

// A unit of work: rows [row0, row1) of one task, tokens [tok0, tok1).
struct WorkItem {
  int32_t task;
  bool blocked;  // gemm kernel (true) or per-row dot products
  int64_t row0, row1;
  int64_t tok0, tok1;
};

struct CallState {
  std::vector<WorkItem> items;
  // Decode path: activation rows in the ISA's gemv layout, per task the
  // offset of its first row (rows follow each other, prep_stride apart).
  AlignedBuffer prepared;
  std::vector<size_t> prep_offset;
  size_t prep_stride = 0;
  const uint8_t* prep_base = nullptr;
  // Blocked path: per-token side data of every blocked task (gemm_prep),
  // [sub-block][token] per task; meta_offset[task] = its first entry.
  AlignedBuffer meta;
  std::vector<size_t> meta_offset;
  size_t meta_entries = 0;  // per array (start, dx, mdx follow each other)
  int64_t meta_subs = 0;
  uint8_t* meta_ptr = nullptr;
};

CallState& call_state() {
  thread_local CallState s;  // the calling thread's, reused across calls
  return s;
}

inline const uint8_t* act_row(const MatmulTask& t, int64_t r) {
  const int64_t src = t.x_rows ? t.x_rows[r] : r;
  return t.x + static_cast<size_t>(src) * t.x_stride_bytes;
}

void run_dots(DType w_type, int64_t n_in, size_t w_rb, const MatmulTask& t, const WorkItem& it,
              const CallState& cs) {
  const IsaKernels& k = active_kernels();
  const auto* w = static_cast<const uint8_t*>(t.w);
  if (cs.prep_base) {
    // Prepared activations: whole row ranges per call; with several tokens,
    // a few rows at a time so their weights are reused from L1.
    const uint8_t* xp = cs.prep_base + cs.prep_offset[static_cast<size_t>(it.task)];
    const int64_t step = it.tok1 - it.tok0 == 1 ? it.row1 - it.row0 : 8;
    for (int64_t o = it.row0; o < it.row1; o += step) {
      const int64_t n = std::min(step, it.row1 - o);
      for (int64_t r = it.tok0; r < it.tok1; ++r) {
        k.gemv(w_type, n_in, w + static_cast<size_t>(o) * w_rb, w_rb, n,
               xp + static_cast<size_t>(r) * cs.prep_stride, t.y + r * t.ldy + o);
      }
    }
    return;
  }
  const DotFn dot = k.dot[slot(w_type)];
  // Weights prefetched ahead of the row being read, as the gemv kernels do
  // (prefetch_rows.h says why).
  const uint8_t* first = w + static_cast<size_t>(it.row0) * w_rb;
  const size_t range = static_cast<size_t>(it.row1 - it.row0) * w_rb;
  prefetch_range(first, std::min(kPrefetchBytes, range));
  for (int64_t o = it.row0; o < it.row1; ++o) {
    const uint8_t* wr = w + static_cast<size_t>(o) * w_rb;
    prefetch_range(wr + kPrefetchBytes, w_rb);
    for (int64_t r = it.tok0; r < it.tok1; ++r) {
      const uint8_t* xr = act_row(t, r);
      t.y[r * t.ldy + o] = dot ? dot(n_in, wr, xr) : ref::vec_dot(w_type, n_in, wr, xr);
    }
  }
}

void run_blocked(DType w_type, int64_t n_in, size_t w_rb, const MatmulTask& t, const WorkItem& it,
                 const CallState& cs) {
  const IsaKernels& k = active_kernels();
  ThreadScratch& s = thread_scratch();
  const int64_t n_tok = it.tok1 - it.tok0;
  s.x_ptrs.resize(static_cast<size_t>(n_tok));
  s.y_ptrs.resize(static_cast<size_t>(n_tok));
  for (int64_t r = 0; r < n_tok; ++r) {
    s.x_ptrs[r] = act_row(t, it.tok0 + r);
    s.y_ptrs[r] = t.y + (it.tok0 + r) * t.ldy + it.row0;
  }
  GemmItem g;
  g.n_in = n_in;
  g.w = static_cast<const uint8_t*>(t.w) + static_cast<size_t>(it.row0) * w_rb;
  g.w_row_bytes = w_rb;
  g.n_rows = it.row1 - it.row0;
  g.x = s.x_ptrs.data();
  g.y = s.y_ptrs.data();
  g.n_tok = n_tok;
  g.scratch = s.gemm.get(k.gemm_scratch(w_type, n_in, n_tok));
  if (cs.meta_subs > 0) {
    const size_t off = cs.meta_offset[static_cast<size_t>(it.task)] + static_cast<size_t>(it.tok0);
    const auto* start = reinterpret_cast<const int32_t*>(cs.meta_ptr);
    g.x_start = start + off;
    g.x_dx = reinterpret_cast<const float*>(start + cs.meta_entries) + off;
    g.x_mdx = reinterpret_cast<const float*>(start + 2 * cs.meta_entries) + off;
    g.meta_stride = t.n_rows;
  }
  k.gemm[slot(w_type)](g);
}

// Splits every task into work items. Dot-product tasks get row chunks of a
// few tens of KB (enough chunks for dynamic balancing, few enough that the
// atomic claims and loop overheads vanish); blocked tasks get row blocks of
// the kernel's granularity, with the tokens split further only when there
// are too few row blocks to keep the threads busy.
void plan(const IsaKernels& k, int n_threads, DType w_type, int64_t n_in, int64_t n_out,
          std::span<const MatmulTask> tasks, std::vector<WorkItem>& items) {
  items.clear();
  const size_t w_rb = row_bytes(w_type, n_in);
  const bool have_gemm = k.gemm[slot(w_type)] != nullptr && k.gemm_rows > 0;
  int64_t total_rows = 0;
  for (const MatmulTask& t : tasks) total_rows += t.n_rows > 0 ? n_out : 0;
  for (size_t ti = 0; ti < tasks.size(); ++ti) {
    const MatmulTask& t = tasks[ti];
    if (t.n_rows <= 0) continue;
    const bool blocked = have_gemm && t.n_rows >= k.gemm_min_tokens;
    if (blocked) {
      const int64_t rb = k.gemm_rows;
      // Token chunks: at most 256 tokens (panels stay cache sized) and enough
      // items overall for ~4 per thread.
      const int64_t all_rb = (total_rows + rb - 1) / rb;
      int64_t n_tc = (t.n_rows + 255) / 256;
      const int64_t want = 4 * n_threads;
      if (all_rb * n_tc < want) {
        const int64_t max_tc = std::max<int64_t>(1, t.n_rows / 16);
        n_tc = std::min(max_tc, std::max(n_tc, (want + all_rb - 1) / all_rb));
      }
      const int64_t tc = (t.n_rows + n_tc - 1) / n_tc;
      for (int64_t r0 = 0; r0 < n_out; r0 += rb) {
        for (int64_t t0 = 0; t0 < t.n_rows; t0 += tc) {
          items.push_back({static_cast<int32_t>(ti), true, r0, std::min(n_out, r0 + rb), t0,
                           std::min(t.n_rows, t0 + tc)});
        }
      }
    } else {
      const size_t total_bytes = w_rb * static_cast<size_t>(total_rows);
      size_t chunk_bytes =
          std::max<size_t>(16 << 10, total_bytes / (16 * static_cast<size_t>(n_threads)));
      if (n_threads == 1) chunk_bytes = std::max(chunk_bytes, total_bytes / 4);
      int64_t chunk = static_cast<int64_t>(chunk_bytes / std::max<size_t>(w_rb, 1));
      chunk = std::clamp<int64_t>(chunk, 4, n_out);
      for (int64_t r0 = 0; r0 < n_out; r0 += chunk) {
        items.push_back(
            {static_cast<int32_t>(ti), false, r0, std::min(n_out, r0 + chunk), 0, t.n_rows});
      }
    }
  }
}

// Rearranges the activation rows of every per-row-dot task into the ISA's
// gemv layout, once per call, on the calling thread (a few microseconds per
// row: far less than a wake-up of the pool).
void prepare_activations(const IsaKernels& k, DType w_type, int64_t n_in,
                         std::span<const MatmulTask> tasks, CallState& cs) {
  cs.prep_base = nullptr;
  if (!k.gemv_prep_bytes) return;
  const size_t stride = (k.gemv_prep_bytes(w_type, n_in) + kAlign - 1) & ~(kAlign - 1);
  if (stride == 0) return;
  size_t total = 0;
  cs.prep_offset.assign(tasks.size(), 0);
  for (const WorkItem& it : cs.items) {
    if (it.blocked) continue;
    size_t& off = cs.prep_offset[static_cast<size_t>(it.task)];
    if (off == 0) {
      off = total + 1;  // +1 marks "assigned"; removed below
      total += stride * static_cast<size_t>(tasks[static_cast<size_t>(it.task)].n_rows);
    }
  }
  if (total == 0) return;
  uint8_t* base = cs.prepared.get(total);
  for (size_t ti = 0; ti < tasks.size(); ++ti) {
    if (cs.prep_offset[ti] == 0) continue;
    cs.prep_offset[ti] -= 1;
    const MatmulTask& t = tasks[ti];
    for (int64_t r = 0; r < t.n_rows; ++r) {
      k.gemv_prep(w_type, n_in, act_row(t, r),
                  base + cs.prep_offset[ti] + static_cast<size_t>(r) * stride);
    }
  }
  cs.prep_stride = stride;
  cs.prep_base = base;
}

// Side data of every activation row of the blocked tasks (start values and
// scales per sub-block), once per call instead of once per row block.
void prepare_gemm_meta(ThreadPool& pool, const IsaKernels& k, DType w_type, int64_t n_in,
                       std::span<const MatmulTask> tasks, CallState& cs) {
  cs.meta_subs = 0;
  const int64_t n_sub = k.gemm_subs ? k.gemm_subs(w_type, n_in) : 0;
  if (n_sub == 0) return;
  cs.meta_offset.assign(tasks.size(), SIZE_MAX);
  size_t total = 0;
  for (const WorkItem& it : cs.items) {
    size_t& off = cs.meta_offset[static_cast<size_t>(it.task)];
    if (!it.blocked || off != SIZE_MAX) continue;
    off = total;
    total += static_cast<size_t>(n_sub) *
             static_cast<size_t>(tasks[static_cast<size_t>(it.task)].n_rows);
  }
  if (total == 0) return;
  cs.meta_ptr = cs.meta.get(3 * total * sizeof(int32_t));
  cs.meta_entries = total;
  cs.meta_subs = n_sub;
  auto* start = reinterpret_cast<int32_t*>(cs.meta_ptr);
  auto* dx = reinterpret_cast<float*>(start + total);
  auto* mdx = reinterpret_cast<float*>(start + 2 * total);
  // Work list: (task, row) pairs in chunks of 16 rows.
  struct Chunk {
    size_t task;
    int64_t r0, r1;
  };
  // A lambda naming a thread_local would see each worker's own instance:
  // bind the caller's vector to a plain reference first.
  thread_local std::vector<Chunk> chunk_storage;
  std::vector<Chunk>& chunks = chunk_storage;
  chunks.clear();
  for (size_t ti = 0; ti < tasks.size(); ++ti) {
    if (cs.meta_offset[ti] == SIZE_MAX) continue;
    for (int64_t r0 = 0; r0 < tasks[ti].n_rows; r0 += 16) {
      chunks.push_back({ti, r0, std::min(tasks[ti].n_rows, r0 + 16)});
    }
  }
  auto run = [&](int64_t c, int) {
    const Chunk& ch = chunks[static_cast<size_t>(c)];
    const MatmulTask& t = tasks[ch.task];
    const size_t off = cs.meta_offset[ch.task];
    for (int64_t r = ch.r0; r < ch.r1; ++r) {
      k.gemm_prep(w_type, n_in, act_row(t, r), start + off + r, dx + off + r, mdx + off + r,
                  t.n_rows);
    }
  };
  if (chunks.size() == 1) {
    run(0, 0);
  } else {
    pool.parallel_for(static_cast<int64_t>(chunks.size()), run);
  }
}

void run_items(ThreadPool& pool, DType w_type, int64_t n_in, std::span<const MatmulTask> tasks,
               const CallState& cs) {
  const std::vector<WorkItem>& items = cs.items;
  const size_t w_rb = row_bytes(w_type, n_in);
  pool.parallel_for(static_cast<int64_t>(items.size()), [&](int64_t i, int) {
    const WorkItem& it = items[static_cast<size_t>(i)];
    const MatmulTask& t = tasks[static_cast<size_t>(it.task)];
    if (it.blocked) {
      run_blocked(w_type, n_in, w_rb, t, it, cs);
    } else {
      run_dots(w_type, n_in, w_rb, t, it, cs);
    }
  });
}

}  // namespace

void quantize_rows(ThreadPool& pool, DType type, const float* x, int64_t n_rows, int64_t n_in,
                   int64_t ldx, std::vector<uint8_t>& out) {
  const size_t rb = row_bytes(type, n_in);
  const size_t need = rb * static_cast<size_t>(n_rows);
  if (out.size() < need) out.resize(need);
  uint8_t* dst = out.data();
  // One row is a few microseconds at most: only fan out for many rows.
  if (n_rows < 4 || pool.size() == 1) {
    for (int64_t r = 0; r < n_rows; ++r) quantize_row(type, x + r * ldx, dst + r * rb, n_in);
    return;
  }
  const int64_t per_task = std::max<int64_t>(1, n_rows / (4 * pool.size()));
  const int64_t n_tasks = (n_rows + per_task - 1) / per_task;
  pool.parallel_for(n_tasks, [&](int64_t task, int) {
    const int64_t r1 = std::min(n_rows, (task + 1) * per_task);
    for (int64_t r = task * per_task; r < r1; ++r)
      quantize_row(type, x + r * ldx, dst + r * rb, n_in);
  });
}

void matmul(ThreadPool& pool, DType w_type, const void* w, int64_t n_in, int64_t n_out,
            const float* x, int64_t n_tok, int64_t ldx, float* y, int64_t ldy,
            MatmulScratch& scratch) {
  if (n_tok <= 0 || n_out <= 0) return;
  const DType vt = type_traits(w_type).vec_dot_type;
  MatmulTask task{};
  task.w = w;
  task.x_rows = nullptr;
  task.n_rows = n_tok;
  task.y = y;
  task.ldy = ldy;
  if (vt == DType::F32) {
    task.x = reinterpret_cast<const uint8_t*>(x);
    task.x_stride_bytes = static_cast<size_t>(ldx) * sizeof(float);
  } else {
    quantize_rows(pool, vt, x, n_tok, n_in, ldx, scratch.activations);
    task.x = scratch.activations.data();
    task.x_stride_bytes = row_bytes(vt, n_in);
  }
  matmul_tasks(pool, w_type, n_in, n_out, std::span<const MatmulTask>(&task, 1));
}

void matmul_tasks(ThreadPool& pool, DType w_type, int64_t n_in, int64_t n_out,
                  std::span<const MatmulTask> tasks) {
  if (n_out <= 0 || tasks.empty()) return;
  CallState& cs = call_state();
  const IsaKernels& k = active_kernels();
  plan(k, pool.size(), w_type, n_in, n_out, tasks, cs.items);
  prepare_activations(k, w_type, n_in, tasks, cs);
  prepare_gemm_meta(pool, k, w_type, n_in, tasks, cs);
  run_items(pool, w_type, n_in, tasks, cs);
}

namespace ref {

void matmul(DType w_type, const void* w, int64_t n_in, int64_t n_out, const float* x, int64_t n_tok,
            int64_t ldx, float* y, int64_t ldy) {
  std::vector<float> row(static_cast<size_t>(n_in));
  const size_t rb = row_bytes(w_type, n_in);
  for (int64_t o = 0; o < n_out; ++o) {
    ref::dequantize_row(w_type, static_cast<const uint8_t*>(w) + o * rb, row.data(), n_in);
    for (int64_t t = 0; t < n_tok; ++t) {
      const float* xt = x + t * ldx;
      double s = 0;
      for (int64_t i = 0; i < n_in; ++i) s += static_cast<double>(row[i]) * xt[i];
      y[t * ldy + o] = static_cast<float>(s);
    }
  }
}

}  // namespace ref
}  // namespace mosaic::kernels
