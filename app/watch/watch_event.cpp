#include "app/watch/watch_event.h"

namespace mosaic::watch {

const char* watch_event_kind_name(WatchEventKind kind) {
  switch (kind) {
    case WatchEventKind::Started:
      return "started";
    case WatchEventKind::Sampled:
      return "sampled";
    case WatchEventKind::Dropped:
      return "dropped";
    case WatchEventKind::Answered:
      return "answered";
    case WatchEventKind::Alert:
      return "alert";
    case WatchEventKind::Error:
      return "error";
    case WatchEventKind::SourceLost:
      return "source lost";
    case WatchEventKind::SourceRestored:
      return "source restored";
    case WatchEventKind::Stopped:
      return "stopped";
  }
  return "unknown";
}

}  // namespace mosaic::watch
