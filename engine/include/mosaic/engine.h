/*
 * Mosaic inference engine: the one public header.
 *
 * A model is loaded once and is immutable afterwards; any number of sessions
 * can be opened on it, each owning its KV cache, sampler state and scratch
 * memory. Functions return a mosaic_status; on failure the message is
 * available from mosaic_last_error() on the same thread. No function throws.
 *
 * Thread safety: functions taking a `const mosaic_model*` may be called from
 * any thread at once. A session must be used by one thread at a time (it may
 * move between threads). mosaic_set_log_callback is process-wide; set it once
 * before loading.
 */
#ifndef MOSAIC_ENGINE_H
#define MOSAIC_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mosaic_model mosaic_model;
typedef struct mosaic_session mosaic_session;
typedef int32_t mosaic_token;

typedef enum mosaic_status {
  MOSAIC_OK = 0,
  MOSAIC_ERR_INVALID_ARGUMENT = 1,
  MOSAIC_ERR_IO = 2,           /* file missing, unreadable, disk full */
  MOSAIC_ERR_FORMAT = 3,       /* malformed model file */
  MOSAIC_ERR_UNSUPPORTED = 4,  /* unknown architecture, tensor type, tokenizer */
  MOSAIC_ERR_CANCELLED = 5,    /* a progress/stream callback asked to stop */
  MOSAIC_ERR_CONTEXT_FULL = 6, /* the session's context cannot take more tokens */
  MOSAIC_ERR_OUT_OF_MEMORY = 7,
  MOSAIC_ERR_INTERNAL = 8
} mosaic_status;

/* Human-readable message of the last failed call on this thread ("" if none).
 * The pointer stays valid until the next engine call on this thread. */
const char* mosaic_last_error(void);
const char* mosaic_status_name(mosaic_status status);

typedef enum mosaic_log_level {
  MOSAIC_LOG_DEBUG = 0,
  MOSAIC_LOG_INFO = 1,
  MOSAIC_LOG_WARN = 2,
  MOSAIC_LOG_ERROR = 3
} mosaic_log_level;

/* Receives engine log lines (no trailing newline). May be called from any
 * engine thread. NULL restores the default (discard). */
typedef void (*mosaic_log_fn)(mosaic_log_level level, const char* message, void* user);
void mosaic_set_log_callback(mosaic_log_fn fn, void* user);

/* Progress of a long call, fraction in [0, 1]. Return 0 to continue, non-zero
 * to cancel: the call then returns MOSAIC_ERR_CANCELLED and leaves no partial
 * state behind (a cancelled load frees everything; a cancelled prompt feed
 * leaves the session as it was before the call). */
typedef int (*mosaic_progress_fn)(float fraction, void* user);

/* Physical CPU cores of this machine: the default thread count. */
int32_t mosaic_physical_core_count(void);

/* ---- Models --------------------------------------------------------------- */

/* Where the weights live while the model is loaded. */
typedef enum mosaic_weights_residency {
  /* Memory-mapped from the file and used in place (default): no copy, loads
   * in well under a second plus page-in, shared with the page cache. */
  MOSAIC_WEIGHTS_MAPPED = 0,
  /* Read into private memory backed by 2 MiB transparent huge pages: the load
   * reads the whole file and the memory is not shared, but decoding avoids
   * the TLB misses of 4 KiB file pages (see README, "Speed"). */
  MOSAIC_WEIGHTS_HUGE_PAGES = 1
} mosaic_weights_residency;

typedef struct mosaic_model_params {
  mosaic_progress_fn progress; /* may be NULL */
  void* progress_user;
  mosaic_weights_residency residency;
} mosaic_model_params;

mosaic_model_params mosaic_model_default_params(void);

/* Loads a GGUF model (for split files, the path of the first part
 * "...-00001-of-0000N.gguf"). The file is memory-mapped and validated: every
 * tensor the architecture needs must be present with the expected shape and a
 * supported type. On success *out_model owns the model; free it with
 * mosaic_model_free after every session on it is freed. */
mosaic_status mosaic_model_load(const char* path, const mosaic_model_params* params,
                                mosaic_model** out_model);
void mosaic_model_free(mosaic_model* model);

typedef struct mosaic_model_info {
  char architecture[32];           /* general.architecture, e.g. "qwen3moe" */
  char name[128];                  /* general.name or "" */
  char quantization[32];           /* dominant weight type, e.g. "Q4_K" or "mixed Q4_K/Q6_K" */
  uint64_t n_params_total;         /* all weights */
  uint64_t n_params_active;        /* weights used per token (chosen experts only) */
  uint64_t file_bytes;             /* tensor data bytes */
  uint64_t active_bytes_per_token; /* weight bytes read to decode one token */
  int32_t n_vocab;
  int32_t n_ctx_train;
  int32_t n_embd;
  int32_t n_layer;
  int32_t n_head;
  int32_t n_head_kv;
  int32_t n_expert; /* 0 for dense models */
  int32_t n_expert_used;
  uint64_t kv_bytes_per_token; /* with the default F16 cache */
  int32_t image_input;         /* 1 when sessions take image chunks (with a matching mmproj) */
  int32_t n_deepstack;         /* DeepStack slices image rows must carry (mmproj n_deepstack) */
} mosaic_model_info;

mosaic_status mosaic_model_get_info(const mosaic_model* model, mosaic_model_info* out_info);

/* Number of metadata keys in the file, and the i-th key in file order
 * (NUL-terminated, truncated to buf_size - 1 bytes). */
int32_t mosaic_model_meta_count(const mosaic_model* model);
mosaic_status mosaic_model_meta_key(const mosaic_model* model, int32_t i, char* buf,
                                    size_t buf_size);

/* Value of a metadata key rendered as text (arrays abbreviated), for tools.
 * Writes a NUL-terminated string truncated to buf_size - 1 bytes; *out_len
 * (may be NULL) receives the full length, so truncation can be detected. */
mosaic_status mosaic_model_meta_string(const mosaic_model* model, const char* key, char* buf,
                                       size_t buf_size, size_t* out_len);

/* The exact value of a string-typed key (e.g. tokenizer.chat_template), not
 * quoted or escaped, with the same buffer contract as mosaic_model_meta_string.
 * MOSAIC_ERR_INVALID_ARGUMENT when the key is absent or not a string. */
mosaic_status mosaic_model_meta_text(const mosaic_model* model, const char* key, char* buf,
                                     size_t buf_size, size_t* out_len);

/* ---- Tokens --------------------------------------------------------------- */

int32_t mosaic_vocab_size(const mosaic_model* model);
mosaic_token mosaic_token_bos(const mosaic_model* model); /* -1 if none */
mosaic_token mosaic_token_eos(const mosaic_model* model); /* -1 if none */
/* True for tokens that end a turn (eos, eot, <|im_end|>, ...). */
int mosaic_token_is_end_of_generation(const mosaic_model* model, mosaic_token token);

typedef enum mosaic_tokenize_flags {
  MOSAIC_TOKENIZE_DEFAULT = 0,
  MOSAIC_TOKENIZE_ADD_SPECIAL = 1,  /* add BOS/EOS as the model's metadata asks */
  MOSAIC_TOKENIZE_PARSE_SPECIAL = 2 /* match control tokens like <|im_start|> in text */
} mosaic_tokenize_flags;

/* Tokenizes `text_len` bytes of UTF-8. Writes at most `capacity` tokens and
 * sets *out_count to the number needed; if that exceeds capacity, returns
 * MOSAIC_ERR_INVALID_ARGUMENT and the caller retries with a bigger buffer. */
mosaic_status mosaic_tokenize(const mosaic_model* model, const char* text, size_t text_len,
                              int flags, mosaic_token* out_tokens, size_t capacity,
                              size_t* out_count);

/* The bytes a token stands for (may be part of a UTF-8 character). Writes at
 * most buf_size bytes (no terminator) and sets *out_len to the full length. */
mosaic_status mosaic_token_to_piece(const mosaic_model* model, mosaic_token token, char* buf,
                                    size_t buf_size, size_t* out_len);

/* ---- Sessions ------------------------------------------------------------- */

typedef enum mosaic_kv_type { MOSAIC_KV_F16 = 0, MOSAIC_KV_F32 = 1 } mosaic_kv_type;

typedef enum mosaic_logits_mode {
  MOSAIC_LOGITS_LAST = 0, /* keep logits of the last fed position only */
  MOSAIC_LOGITS_ALL = 1   /* keep logits of every position of the last feed */
} mosaic_logits_mode;

typedef struct mosaic_session_params {
  int32_t n_ctx;     /* context length in tokens; 0 = min(model's trained length, 4096) */
  int32_t n_threads; /* 0 = number of physical cores */
  int32_t n_batch;   /* prompt tokens processed per forward pass; 0 = 512 */
  mosaic_kv_type kv_type;
  mosaic_logits_mode logits_mode;
} mosaic_session_params;

mosaic_session_params mosaic_session_default_params(void);

/* Opens a session with its own KV cache (allocated now, so a context that
 * does not fit in memory fails here with MOSAIC_ERR_OUT_OF_MEMORY). The model
 * must outlive the session. */
mosaic_status mosaic_session_new(const mosaic_model* model, const mosaic_session_params* params,
                                 mosaic_session** out_session);
void mosaic_session_free(mosaic_session* session);

/* Number of tokens currently in the session's context, and its capacity. */
int32_t mosaic_session_n_past(const mosaic_session* session);
int32_t mosaic_session_n_ctx(const mosaic_session* session);

/* Forgets every token from position n_keep on (0 clears the context); used to
 * reuse a shared prefix. n_keep must be <= n_past. */
mosaic_status mosaic_session_truncate(mosaic_session* session, int32_t n_keep);

/* Appends tokens to the context and runs the model over them in batches of
 * n_batch, reporting progress after each batch. If they do not all fit in the
 * remaining context, nothing is processed and MOSAIC_ERR_CONTEXT_FULL is
 * returned (the caller decides what to drop: never silent truncation). */
mosaic_status mosaic_session_feed(mosaic_session* session, const mosaic_token* tokens,
                                  size_t n_tokens, mosaic_progress_fn progress,
                                  void* progress_user);

/* Logits (n_vocab floats) of the i-th position of the last feed. With
 * MOSAIC_LOGITS_LAST only the last position is kept (index -1 or n-1).
 * Returns NULL if nothing was fed or i is out of range. Valid until the next
 * feed/truncate on the session. */
const float* mosaic_session_logits(const mosaic_session* session, int32_t i);

typedef struct mosaic_sampler_params {
  float temperature;       /* <= 0: greedy */
  int32_t top_k;           /* <= 0: off */
  float top_p;             /* >= 1: off (values above 1 are treated as 1) */
  float min_p;             /* <= 0: off (negative values are treated as 0) */
  float repeat_penalty;    /* 1: off; applied to tokens in the last repeat_last_n */
  float presence_penalty;  /* 0: off */
  float frequency_penalty; /* 0: off */
  int32_t repeat_last_n;   /* history window for the penalties; 0: penalties off */
  uint64_t seed;
} mosaic_sampler_params;

mosaic_sampler_params mosaic_sampler_default_params(void);

/* Configures the session's sampler and resets its random state to `seed`. */
mosaic_status mosaic_session_set_sampler(mosaic_session* session,
                                         const mosaic_sampler_params* params);

/* Samples a token from the logits of the last fed position. */
mosaic_status mosaic_session_sample(mosaic_session* session, mosaic_token* out_token);

/* Called for each generated token with the text it completes. `text` holds
 * only whole UTF-8 characters (bytes of a character split across tokens are
 * held back until it is complete) and is not NUL-terminated. Return 0 to go
 * on, non-zero to stop (generate then returns MOSAIC_OK). */
typedef int (*mosaic_token_fn)(mosaic_token token, const char* text, size_t text_len, void* user);

typedef enum mosaic_stop_reason {
  MOSAIC_STOP_END_OF_GENERATION = 0, /* the model produced an end token */
  MOSAIC_STOP_MAX_TOKENS = 1,
  MOSAIC_STOP_CALLBACK = 2,
  MOSAIC_STOP_CONTEXT_FULL = 3 /* no room for another token: reported, not truncated */
} mosaic_stop_reason;

/* Samples and feeds up to max_tokens tokens, streaming each through `on_token`.
 * The end-of-generation token is not fed nor streamed. If generation ends
 * while bytes of an unfinished character are held back, they are delivered
 * in one last call with token -1 (as U+FFFD where they can never complete).
 * A new token is only produced while the context has room for it:
 * MOSAIC_STOP_CONTEXT_FULL reports that the limit was reached. */
mosaic_status mosaic_session_generate(mosaic_session* session, int32_t max_tokens,
                                      mosaic_token_fn on_token, void* user,
                                      mosaic_stop_reason* out_reason);

typedef struct mosaic_timings {
  double load_ms;   /* model load (from the model) */
  double prompt_ms; /* total time in feeds of more than one token */
  int64_t prompt_tokens;
  double generate_ms; /* total time in single-token decode steps */
  int64_t generated_tokens;
  double first_token_ms; /* last generate call: start to first token streamed */
} mosaic_timings;

mosaic_status mosaic_session_get_timings(const mosaic_session* session, mosaic_timings* out);
void mosaic_session_reset_timings(mosaic_session* session);

/* ---- Images (vision encoder) ---------------------------------------------- */

/* A loaded mmproj file: the vision encoder of a multimodal model. Only
 * Qwen3-VL's encoder (clip.projector_type "qwen3vl_merger") is supported;
 * other projector types are refused with MOSAIC_ERR_UNSUPPORTED naming the
 * type. Immutable once loaded: encode from any number of threads at once. */
typedef struct mosaic_mmproj mosaic_mmproj;

/* Opens and validates `path`. On failure *out_mmproj is NULL. */
mosaic_status mosaic_mmproj_load(const char* path, mosaic_mmproj** out_mmproj);
void mosaic_mmproj_free(mosaic_mmproj* mmproj); /* NULL is allowed */

typedef struct mosaic_mmproj_info {
  int32_t projection_dim;         /* width of each embedding: the text model's n_embd */
  int32_t n_deepstack;            /* DeepStack slices appended to each embedding row */
  int32_t pixels_per_token;       /* side of the pixel square one token covers (32) */
  int64_t min_pixels, max_pixels; /* area budget images are resized into */
} mosaic_mmproj_info;

mosaic_status mosaic_mmproj_get_info(const mosaic_mmproj* mmproj, mosaic_mmproj_info* out_info);

/* The merged token grid a width x height picture encodes to (what
 * mosaic_image_encode's result will have as grid_w, grid_h, given the same
 * max_tokens), computed without encoding, so a caller can plan the context
 * first. max_tokens as in mosaic_image_params.
 * MOSAIC_ERR_INVALID_ARGUMENT for a size below 1x1 or max_tokens < 0.
 * Thread-safe. */
mosaic_status mosaic_image_token_grid(const mosaic_mmproj* mmproj, int32_t width, int32_t height,
                                      int32_t max_tokens, int32_t* out_grid_w, int32_t* out_grid_h);

typedef struct mosaic_image_params {
  int32_t n_threads;           /* 0: mosaic_physical_core_count() */
  mosaic_progress_fn progress; /* may be NULL; non-zero return cancels */
  void* progress_user;
  /* At most this many tokens for the picture (grid_w * grid_h), by resizing
   * it smaller: the encode's time grows faster than the token count, so a
   * 12-megapixel photo at the vision file's full budget takes minutes on a
   * laptop. 0: the vision file's own budget (mosaic_mmproj_info.max_pixels);
   * never below its minimum. */
  int32_t max_tokens;
} mosaic_image_params;

/* Embeddings of one image: n_tokens rows (merged grid, row-major, grid_w per
 * row) of row_width = projection_dim * (1 + n_deepstack) floats: the main
 * embedding, then each DeepStack slice. `data` is owned by the struct: release
 * it with mosaic_image_embedding_free. */
typedef struct mosaic_image_embedding {
  int32_t n_tokens, grid_w, grid_h;
  int32_t projection_dim, n_deepstack, row_width;
  float* data;
} mosaic_image_embedding;

/* Encodes an interleaved RGB8 image of width x height pixels (rows top to
 * bottom, n_bytes == width * height * 3, else MOSAIC_ERR_INVALID_ARGUMENT).
 * The image is resized keeping its aspect ratio to multiples of
 * pixels_per_token within the pixel budget. params may be NULL (defaults).
 * On failure *out is zeroed. */
mosaic_status mosaic_image_encode(const mosaic_mmproj* mmproj, const uint8_t* rgb, size_t n_bytes,
                                  int32_t width, int32_t height, const mosaic_image_params* params,
                                  mosaic_image_embedding* out);
/* Encodes two consecutive frames of a video (same size; Qwen3-VL samples
 * video at 2 frames per second, so 0.5 s apart) as one picture, the way
 * Qwen3-VL encodes video: the patch embedding's two temporal halves see one
 * frame each, so the model sees what moved between them, for the tokens of
 * one frame. Otherwise as mosaic_image_encode (same params, result and
 * errors); MOSAIC_ERR_INVALID_ARGUMENT unless both buffers hold
 * width * height * 3 bytes. */
mosaic_status mosaic_video_frames_encode(const mosaic_mmproj* mmproj, const uint8_t* rgb_first,
                                         const uint8_t* rgb_second, size_t n_bytes, int32_t width,
                                         int32_t height, const mosaic_image_params* params,
                                         mosaic_image_embedding* out);

/* Frees out->data and zeroes *out; NULL or an already freed struct is fine. */
void mosaic_image_embedding_free(mosaic_image_embedding* embedding);

/* ---- Multimodal input ----------------------------------------------------- */

typedef enum mosaic_chunk_type {
  MOSAIC_CHUNK_TEXT = 0,
  MOSAIC_CHUNK_IMAGE = 1,
  MOSAIC_CHUNK_TOKENS = 2
} mosaic_chunk_type;

/* A piece of a prompt. Text is UTF-8, tokenized with
 * MOSAIC_TOKENIZE_PARSE_SPECIAL (control tokens such as <|im_start|> in the
 * text are matched; BOS is not added). An image is an encoded embedding
 * (mosaic_image_encode); the session writes the model's own wrapper tokens
 * around it (Qwen3-VL: <|vision_start|> ... <|vision_end|>) and gives its
 * rows the model's image positions (Qwen3-VL: time, row, column; the text
 * after it continues at max(grid_w, grid_h) past the image's start).
 * Tokens are ids already tokenized (mosaic_tokenize), for a caller that
 * resumes part-way through text whose start is already in the KV cache.
 * The chunk only borrows the text, the tokens and the embedding. */
typedef struct mosaic_chunk {
  mosaic_chunk_type type;
  const char* text;
  size_t text_len;
  const mosaic_image_embedding* image;
  const mosaic_token* tokens;
  size_t n_tokens;
} mosaic_chunk;

/* Feeds the chunks in order, all or nothing, like mosaic_session_feed:
 * MOSAIC_ERR_CONTEXT_FULL before any work when they do not all fit,
 * MOSAIC_ERR_UNSUPPORTED for an image when the model takes none,
 * MOSAIC_ERR_INVALID_ARGUMENT when an embedding's row_width does not match
 * the model (an mmproj of another model), MOSAIC_ERR_CANCELLED from progress;
 * on any failure the session is as before the call. */
mosaic_status mosaic_session_feed_chunks(mosaic_session* session, const mosaic_chunk* chunks,
                                         size_t n_chunks, mosaic_progress_fn progress,
                                         void* progress_user);

/* Context slots the chunks would take (text tokens, image rows and wrapper
 * tokens), for deciding what fits before feeding. An image chunk needs only
 * n_tokens, grid_w and grid_h here (data may be NULL), so the room for a
 * picture can be counted before it is encoded (mosaic_image_token_grid). */
mosaic_status mosaic_session_count_chunks(const mosaic_session* session, const mosaic_chunk* chunks,
                                          size_t n_chunks, size_t* out_slots);

#ifdef __cplusplus
}
#endif

#endif /* MOSAIC_ENGINE_H */
