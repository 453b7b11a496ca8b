# The engine library: public API (include/mosaic/engine.h), model loading,
# architectures (models/), shared blocks (blocks/), sessions.
find_package(fmt REQUIRED)

add_library(mosaic_engine STATIC
  api.cpp
  session.cpp
  core/log.cpp
  core/cpu_topology.cpp
  model/weights.cpp
  model/kv_cache.cpp
  model/model.cpp
  models/registry.cpp
  models/qwen3moe.cpp
  models/qwen3vlmoe.cpp
  models/deepseek2.cpp
  models/deepseek2_hparams.cpp
  blocks/linear.cpp
  blocks/attention.cpp
  blocks/moe.cpp
  blocks/ffn.cpp
  blocks/rope.cpp
  blocks/head_linear.cpp
  blocks/latent_attention.cpp
  blocks/latent_attention_expanded.cpp
  blocks/embedding.cpp
  blocks/output_head.cpp
  vision/vision_hparams.cpp
  vision/vision_weights.cpp
  vision/image_size.cpp
  vision/image_normalize.cpp
  vision/patch_grid.cpp
  vision/patch_embed.cpp
  vision/vision_ops.cpp
  vision/vision_encoder.cpp
)
target_include_directories(mosaic_engine
  PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
  PRIVATE ${MOSAIC_ROOT})
target_link_libraries(mosaic_engine
  PUBLIC mosaic_kernels_cpu
  PRIVATE mosaic_gguf mosaic_tokenizer mosaic_sampling fmt::fmt Threads::Threads)
target_compile_options(mosaic_engine PRIVATE ${MOSAIC_WARNINGS})

# Writer of random-weight models with real tensor names (tests, benchmarks,
# `mosaic-cli make-test-model`).
add_library(mosaic_synthetic STATIC synthetic/synthetic_model.cpp synthetic/synthetic_mmproj.cpp)
target_include_directories(mosaic_synthetic PUBLIC ${MOSAIC_ROOT})
target_link_libraries(mosaic_synthetic
  PUBLIC mosaic_kernels_cpu
  PRIVATE mosaic_gguf mosaic_tokenizer fmt::fmt Threads::Threads)
target_compile_options(mosaic_synthetic PRIVATE ${MOSAIC_WARNINGS})
