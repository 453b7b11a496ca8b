// Ctrl+C during generation: the first SIGINT only sets a flag that the token
// and progress callbacks check, so generation stops cleanly (timings printed,
// handles freed); a second Ctrl+C terminates as usual.
#pragma once

namespace mosaic::cli {

void install_interrupt_handler();
bool interrupt_requested();

}  // namespace mosaic::cli
