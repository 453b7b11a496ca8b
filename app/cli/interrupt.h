// Ctrl+C during generation: the first SIGINT only sets a flag that the token
// and progress callbacks check, so generation stops cleanly (timings printed,
// handles freed); a second Ctrl+C terminates as usual.
#pragma once

namespace mosaic::cli {

void install_interrupt_handler();
bool interrupt_requested();
// Forgets a handled Ctrl+C and arms the handler again, so an interactive
// command can stop one reply and go on (mosaic-cli chat).
void rearm_interrupt_handler();

}  // namespace mosaic::cli
