#include "ui/core/ui_values.h"

namespace mosaic::ui {

void register_ui_value_types() {
  qRegisterMetaType<ConversationRow>();
  qRegisterMetaType<QList<ConversationRow>>();
  qRegisterMetaType<MessageRow>();
  qRegisterMetaType<QList<MessageRow>>();
  qRegisterMetaType<SearchRow>();
  qRegisterMetaType<QList<SearchRow>>();
  qRegisterMetaType<ModelSummary>();
  qRegisterMetaType<TurnStart>();
  qRegisterMetaType<TurnEnd>();
}

}  // namespace mosaic::ui
