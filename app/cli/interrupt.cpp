#include "app/cli/interrupt.h"

#include <csignal>

namespace mosaic::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_sigint(int) { g_interrupted = 1; }

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // the second Ctrl+C gets the default: terminate
  sigaction(SIGINT, &action, nullptr);
}

bool interrupt_requested() { return g_interrupted != 0; }

void rearm_interrupt_handler() {
  g_interrupted = 0;
  install_interrupt_handler();
}

}  // namespace mosaic::cli
