// The CLI's view of the shared engine wrappers (app/core/engine_handles.h):
// the same calls, plus a model load that draws a progress bar on stderr.
#pragma once

#include <string>

#include "app/core/engine_handles.h"

namespace mosaic::cli {

using app::check;
using app::meta_string;
using app::model_info;
using app::ModelPtr;
using app::new_session;
using app::SessionPtr;
using app::token_piece;
using app::tokenize;

enum class LoadProgress { Shown, Hidden };

// Loads a model, with a progress bar on stderr when it is a terminal.
ModelPtr load_model(const std::string& path, LoadProgress progress = LoadProgress::Shown);

}  // namespace mosaic::cli
