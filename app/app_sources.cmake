# Application core, mosaic-cli and mosaic-bench. Everything here uses the
# engine's public C API (engine.h) and needs the engine library, which the
# engine/ directory (configured before this one) defines.
if(NOT TARGET mosaic_engine)
  message(STATUS "Mosaic: mosaic_engine not defined yet; skipping mosaic-cli and mosaic-bench")
  return()
endif()

find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)

# Logging set-up shared by every program (no Qt).
add_library(mosaic_app_core STATIC core/human_units.cpp core/logging.cpp)
target_include_directories(mosaic_app_core PUBLIC ${MOSAIC_ROOT})
target_link_libraries(mosaic_app_core PUBLIC spdlog::spdlog fmt::fmt PRIVATE mosaic_engine)
target_compile_options(mosaic_app_core PRIVATE ${MOSAIC_WARNINGS})

add_executable(mosaic-cli
  cli/main.cpp
  cli/chat_prompt.cpp
  cli/engine_handles.cpp
  cli/generate_command.cpp
  cli/generate_options.cpp
  cli/info_command.cpp
  cli/interrupt.cpp
  cli/logprobs.cpp
  cli/make_test_model_command.cpp
  cli/progress_bar.cpp
  cli/read_text_file.cpp
  cli/text_escape.cpp
  cli/token_list.cpp
  cli/tokenize_command.cpp
)
target_include_directories(mosaic-cli PRIVATE ${MOSAIC_ROOT})
target_compile_definitions(mosaic-cli PRIVATE MOSAIC_VERSION="${PROJECT_VERSION}")
target_link_libraries(mosaic-cli PRIVATE
  mosaic_app_core mosaic_engine mosaic_synthetic
  CLI11::CLI11 fmt::fmt nlohmann_json::nlohmann_json Threads::Threads)
target_compile_options(mosaic-cli PRIVATE ${MOSAIC_WARNINGS})
# media-info and extract-text, when the media libraries were configured.
if(TARGET mosaic_media_documents)
  target_sources(mosaic-cli PRIVATE cli/media_commands.cpp)
  target_compile_definitions(mosaic-cli PRIVATE MOSAIC_HAVE_MEDIA=1)
  target_link_libraries(mosaic-cli PRIVATE mosaic_media_decode mosaic_media_documents)
endif()

if(MOSAIC_BUILD_BENCH)
  add_executable(mosaic-bench
    bench/main.cpp
    bench/bench_options.cpp
    bench/memory_bandwidth.cpp
    bench/model_bench.cpp
    bench/report.cpp
  )
  target_include_directories(mosaic-bench PRIVATE ${MOSAIC_ROOT})
  target_compile_definitions(mosaic-bench PRIVATE MOSAIC_VERSION="${PROJECT_VERSION}")
  target_link_libraries(mosaic-bench PRIVATE
    mosaic_app_core mosaic_engine CLI11::CLI11 fmt::fmt nlohmann_json::nlohmann_json
    Threads::Threads)
  target_compile_options(mosaic-bench PRIVATE ${MOSAIC_WARNINGS})
endif()
