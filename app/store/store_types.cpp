#include "app/store/store_types.h"

#include <array>
#include <utility>

#include "app/store/store_error.h"

namespace mosaic::store {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{{
    {Role::System, "system"},
    {Role::User, "user"},
    {Role::Assistant, "assistant"},
    {Role::Tool, "tool"},
}};

constexpr std::array<std::pair<MessageStatus, std::string_view>, 4> kStatuses{{
    {MessageStatus::Streaming, "streaming"},
    {MessageStatus::Complete, "complete"},
    {MessageStatus::Incomplete, "incomplete"},
    {MessageStatus::Error, "error"},
}};

}  // namespace

std::string_view to_string(Role role) {
  for (const auto& [value, name] : kRoles) {
    if (value == role) return name;
  }
  return "user";
}

std::string_view to_string(MessageStatus status) {
  for (const auto& [value, name] : kStatuses) {
    if (value == status) return name;
  }
  return "complete";
}

Role role_from_string(std::string_view text) {
  for (const auto& [value, name] : kRoles) {
    if (name == text) return value;
  }
  throw StoreError(StoreErrorKind::InvalidArgument,
                   "unknown message role '" + std::string(text) +
                       "' (expected system, user, assistant or tool)");
}

MessageStatus status_from_string(std::string_view text) {
  for (const auto& [value, name] : kStatuses) {
    if (name == text) return value;
  }
  throw StoreError(StoreErrorKind::InvalidArgument,
                   "unknown message status '" + std::string(text) +
                       "' (expected streaming, complete, incomplete or error)");
}

}  // namespace mosaic::store
