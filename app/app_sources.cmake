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
add_library(mosaic_app_core STATIC core/engine_handles.cpp core/human_units.cpp core/logging.cpp
  core/media_marker.cpp)
target_include_directories(mosaic_app_core PUBLIC ${MOSAIC_ROOT})
target_link_libraries(mosaic_app_core PUBLIC mosaic_engine spdlog::spdlog fmt::fmt)
target_compile_options(mosaic_app_core PRIVATE ${MOSAIC_WARNINGS})

# Assistant turns: reasoning separation, the context rule, KV prefix reuse,
# and the turn runner between the store, the chat template and the engine.
add_library(mosaic_turns STATIC
  turns/chat_engine.cpp
  turns/context_policy.cpp
  turns/model_chat_template.cpp
  turns/prompt_layout.cpp
  turns/prompt_reuse.cpp
  turns/reasoning_splitter.cpp
  turns/turn_runner.cpp
)
target_include_directories(mosaic_turns PUBLIC ${MOSAIC_ROOT})
target_link_libraries(mosaic_turns PUBLIC mosaic_app_core mosaic_store mosaic_template fmt::fmt)
target_compile_options(mosaic_turns PRIVATE ${MOSAIC_WARNINGS})

# Attachments from files (document text, pictures), when media is built.
if(TARGET mosaic_media_documents)
  add_library(mosaic_attachment_import STATIC turns/attachment_import.cpp)
  target_include_directories(mosaic_attachment_import PUBLIC ${MOSAIC_ROOT})
  target_link_libraries(mosaic_attachment_import
    PUBLIC mosaic_store PRIVATE mosaic_media_documents mosaic_media_decode fmt::fmt)
  target_compile_options(mosaic_attachment_import PRIVATE ${MOSAIC_WARNINGS})
endif()

add_executable(mosaic-cli
  cli/main.cpp
  cli/chat_command.cpp
  cli/chat_prompt.cpp
  cli/conversation_db.cpp
  cli/engine_handles.cpp
  cli/generate_command.cpp
  cli/generate_options.cpp
  cli/history_command.cpp
  cli/info_command.cpp
  cli/interrupt.cpp
  cli/logprobs.cpp
  cli/make_test_model_command.cpp
  cli/progress_bar.cpp
  cli/read_text_file.cpp
  cli/sampling_options.cpp
  cli/template_command.cpp
  cli/text_escape.cpp
  cli/token_list.cpp
  cli/tokenize_command.cpp
)
target_include_directories(mosaic-cli PRIVATE ${MOSAIC_ROOT})
target_compile_definitions(mosaic-cli PRIVATE MOSAIC_VERSION="${PROJECT_VERSION}")
target_link_libraries(mosaic-cli PRIVATE
  mosaic_app_core mosaic_turns mosaic_store mosaic_engine mosaic_synthetic
  CLI11::CLI11 fmt::fmt nlohmann_json::nlohmann_json Threads::Threads)
target_compile_options(mosaic-cli PRIVATE ${MOSAIC_WARNINGS})
# media-info and extract-text, when the media libraries were configured.
if(TARGET mosaic_media_documents)
  target_sources(mosaic-cli PRIVATE cli/media_commands.cpp cli/generate_vision.cpp)
  target_compile_definitions(mosaic-cli PRIVATE MOSAIC_HAVE_MEDIA=1)
  target_link_libraries(mosaic-cli PRIVATE mosaic_media_decode mosaic_media_documents
    mosaic_attachment_import mosaic_vision_prompt)
endif()
if(TARGET mosaic_watch AND TARGET mosaic_vision_prompt)
  target_sources(mosaic-cli PRIVATE cli/watch_command.cpp)
  target_compile_definitions(mosaic-cli PRIVATE MOSAIC_HAVE_WATCH=1)
  target_link_libraries(mosaic-cli PRIVATE mosaic_watch mosaic_media_capture)
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
