// mosaic-cli watch MODEL --mmproj F (--video FILE | --camera N) --instruction TEXT:
// watch mode in a terminal. Prints one line per event (JSON with --json)
// until the video ends, the camera is lost for good, or Ctrl+C.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli/cli_error.h"
#include "app/cli/engine_handles.h"
#include "app/cli/image_tokens_option.h"
#include "app/cli/interrupt.h"
#include "app/cli/subcommands.h"
#include "app/vision/engine_frame_questioner.h"
#include "app/watch/watch_mode.h"
#include "media/capture/camera_source.h"
#include "media/capture/video_file_source.h"

namespace mosaic::cli {
namespace {

struct WatchCommandOptions {
  std::string model_path;
  std::string mmproj_path;
  int32_t image_tokens = kDefaultImageTokens;
  std::string video_path;
  int camera_index = -1;
  std::string instruction;
  double interval_s = 5.0;
  int frames_per_question = 1;
  bool as_fast_as_possible = false;  // --video only: decode without real-time pacing
  bool json = false;
  int32_t n_threads = 0;
};

std::string event_line(const watch::WatchEvent& e, bool json) {
  if (json) {
    nlohmann::json j = {{"event", watch::watch_event_kind_name(e.kind)},
                        {"pts_ms", e.pts_ms},
                        {"latency_ms", e.latency_ms},
                        {"text", e.text},
                        {"samples_per_second", e.stats.samples_per_second},
                        {"dropped", e.stats.samples_dropped},
                        {"questions", e.stats.questions_asked}};
    return j.dump();
  }
  // Events about the watch itself (started, stopped, lost) carry no frame time.
  const std::string when = e.pts_ms >= 0 && e.kind != watch::WatchEventKind::Stopped &&
                                   e.kind != watch::WatchEventKind::SourceLost
                               ? fmt::format("{:>7.1f} s", e.pts_ms / 1000.0)
                               : std::string(9, ' ');
  std::string line = fmt::format("[{}] {:<8}", when, watch::watch_event_kind_name(e.kind));
  if (e.latency_ms > 0) line += fmt::format(" after {} ms", e.latency_ms);
  if (!e.text.empty()) line += "  " + e.text;
  return line;
}

int run_watch(const WatchCommandOptions& o) {
  if ((o.video_path.empty()) == (o.camera_index < 0)) {
    throw UsageError("give exactly one of --video FILE and --camera N");
  }
  if (o.instruction.empty()) throw UsageError("--instruction is required");
  const ModelPtr model = load_model(o.model_path);
  std::shared_ptr<vision_prompt::ImageEncoder> encoder;
  std::unique_ptr<vision_prompt::EngineFrameQuestioner> questioner;
  try {
    encoder = std::make_shared<vision_prompt::ImageEncoder>(o.mmproj_path, o.n_threads);
    encoder->set_max_tokens(o.image_tokens);
    vision_prompt::FrameQuestionerSettings settings;
    settings.n_threads = o.n_threads;
    questioner =
        std::make_unique<vision_prompt::EngineFrameQuestioner>(model.get(), encoder, settings);
  } catch (const std::runtime_error& e) {
    throw CommandError(e.what());
  }

  std::unique_ptr<media::FrameSource> source;
  if (!o.video_path.empty()) {
    media::VideoFileSourceOptions v;
    v.pacing = o.as_fast_as_possible ? media::Pacing::AsFastAsPossible : media::Pacing::RealTime;
    source = std::make_unique<media::VideoFileSource>(o.video_path, v);
  } else {
    media::CameraOptions c;
    c.device_index = o.camera_index;
    source = std::make_unique<media::CameraSource>(c);
  }

  watch::WatchOptions w;
  w.instruction = o.instruction;
  w.interval_ms = static_cast<int64_t>(o.interval_s * 1000);
  w.frames_per_question = static_cast<size_t>(o.frames_per_question);
  bool source_lost = false;
  std::unique_ptr<watch::WatchMode> mode;
  try {
    mode = std::make_unique<watch::WatchMode>(
        *source, *questioner, w, [&o, &source_lost](const watch::WatchEvent& e) {
          if (e.kind == watch::WatchEventKind::SourceLost) source_lost = true;
          if (e.kind == watch::WatchEventKind::SourceRestored) source_lost = false;
          std::fputs((event_line(e, o.json) + "\n").c_str(), stdout);
          std::fflush(stdout);
        });
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  install_interrupt_handler();
  mode->start();
  while (!mode->wait_until_finished(100)) {
    if (interrupt_requested()) break;
  }
  mode->stop();
  const watch::WatchStats s = mode->stats();
  fmt::print(stderr,
             "watched {} frames: {} sampled, {} dropped while the model was busy, {} questions, "
             "{} alerts; mean latency {:.0f} ms\n",
             s.frames_seen, s.frames_sampled, s.samples_dropped, s.questions_asked, s.alerts,
             s.recent_mean_latency_ms);
  if (interrupt_requested()) return kExitInterrupted;
  return source_lost ? kExitFailure : kExitOk;
}

}  // namespace

Subcommand add_watch_command(CLI::App& parent) {
  auto o = std::make_shared<WatchCommandOptions>();
  CLI::App* app = parent.add_subcommand(
      "watch", "Watch a camera or video with a standing instruction; report what happens");
  app->add_option("MODEL", o->model_path, "Path of the vision model's .gguf file")->required();
  app->add_option("--mmproj", o->mmproj_path, "The model's vision file (mmproj GGUF)")->required();
  add_image_tokens_option(*app, o->image_tokens);
  app->add_option("--video", o->video_path, "A video file standing in for the camera");
  app->add_option("--camera", o->camera_index, "Camera N (/dev/videoN)");
  app->add_option("-i,--instruction", o->instruction,
                  "What to watch for, e.g. \"tell me when someone enters\"");
  app->add_option("--interval-s", o->interval_s, "Look every N seconds (and on scene changes)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app->add_option("--frames", o->frames_per_question, "Newest frames per question (1..4)")
      ->capture_default_str();
  app->add_flag("--fast", o->as_fast_as_possible,
                "With --video: decode as fast as possible instead of in real time");
  app->add_flag("--json", o->json, "One JSON object per event");
  app->add_option("-t,--threads", o->n_threads, "Threads (0: physical cores)");
  return {app, [o] { return run_watch(*o); }};
}

}  // namespace mosaic::cli
