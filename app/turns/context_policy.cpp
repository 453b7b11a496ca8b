#include "app/turns/context_policy.h"

#include <fmt/format.h>

namespace mosaic::turns {

std::variant<ContextPlan, ContextPlanError> plan_context(const std::vector<PromptMessage>& branch,
                                                         const ContextBudget& budget,
                                                         const PromptTokenCounter& count_tokens) {
  if (branch.empty()) return ContextPlanError{"There is no message to answer."};
  const int64_t limit = budget.n_ctx - budget.reply_reserve;

  // Leading system messages are always kept; the rest is droppable history.
  size_t system_end = 0;
  while (system_end < branch.size() && branch[system_end].role == Role::System) ++system_end;
  const size_t last = branch.size() - 1;

  // Candidate starts of the kept history: each user message (an exchange
  // begins there), and finally the newest message alone.
  std::vector<size_t> starts;
  starts.push_back(system_end);
  for (size_t i = system_end + 1; i <= last; ++i) {
    if (branch[i].role == Role::User) starts.push_back(i);
  }
  if (starts.back() != last) starts.push_back(last);

  int64_t tokens = 0;
  for (size_t start : starts) {
    std::vector<PromptMessage> kept(branch.begin(), branch.begin() + system_end);
    kept.insert(kept.end(), branch.begin() + start, branch.end());
    tokens = count_tokens(kept);
    if (tokens <= limit) {
      ContextPlan plan;
      plan.messages = std::move(kept);
      plan.prompt_tokens = tokens;
      plan.dropped_messages = static_cast<int>(start - system_end);
      if (plan.dropped_messages > 0) {
        plan.notice = fmt::format(
            "The conversation is longer than the model's {}-token context: the {} oldest "
            "message{} {} left out of this reply's prompt (the system prompt and the newest "
            "messages are kept; {} tokens stay free for the reply).",
            budget.n_ctx, plan.dropped_messages, plan.dropped_messages == 1 ? "" : "s",
            plan.dropped_messages == 1 ? "is" : "are", budget.reply_reserve);
      }
      return plan;
    }
  }
  return ContextPlanError{fmt::format(
      "The newest message needs {} tokens with the system prompt, more than the {} the "
      "{}-token context leaves after reserving {} for the reply. Shorten the message or the "
      "system prompt, or raise the context length.",
      tokens, std::max<int64_t>(limit, 0), budget.n_ctx, budget.reply_reserve)};
}

}  // namespace mosaic::turns
