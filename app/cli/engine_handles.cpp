#include "app/cli/engine_handles.h"

#include <filesystem>

#include "app/cli/progress_bar.h"

namespace mosaic::cli {

ModelPtr load_model(const std::string& path, LoadProgress progress) {
  if (progress == LoadProgress::Hidden) return app::load_model(path);
  ProgressBar bar("loading " + std::filesystem::path(path).filename().string());
  ModelPtr model = app::load_model(path, [&bar](float fraction) {
    bar.update(fraction);
    return true;
  });
  bar.finish();
  return model;
}

}  // namespace mosaic::cli
