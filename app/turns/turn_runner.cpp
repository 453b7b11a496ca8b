#include "app/turns/turn_runner.h"

#include <fmt/format.h>

#include "app/core/media_marker.h"
#include "app/store/attachment_files.h"
#include "app/turns/write_throttle.h"

namespace mosaic::turns {
namespace {

store::MessageStatus status_for(TurnFinish finish) {
  return finish == TurnFinish::Complete ? store::MessageStatus::Complete
                                        : store::MessageStatus::Incomplete;
}

bool is_visual(const store::Attachment& a) {
  return a.mime_type.starts_with("image/") || a.mime_type.starts_with("video/");
}

// What a user message puts in the prompt: the pictures its attachments show
// (each on a line, after its label, as a media marker), what was typed, then
// the text extracted from each attached document, labelled by file name.
// Markers in stored text are broken up first: only this function places them.
// Without a picture source, pictures and videos are named, with the reason
// the model does not see them.
PromptMessage user_prompt_message(const store::Message& message,
                                  const std::vector<store::Attachment>& attachments,
                                  const std::filesystem::path& attachments_dir,
                                  PictureSource* pictures) {
  PromptMessage p{Role::User, "", "", {}};
  std::string documents;
  for (const store::Attachment& a : attachments) {
    if (pictures != nullptr) {
      for (PromptPicture& picture :
           pictures->pictures_in(a, store::attachment_path(attachments_dir, a.sha256))) {
        p.content += app::without_media_markers(picture.label);
        p.content += app::kMediaMarker;
        p.content += '\n';
        p.pictures.push_back(std::move(picture));
      }
    } else if (is_visual(a)) {
      documents += fmt::format("\n\n[Attached {}: {} (not shown: this model cannot see pictures)]",
                               a.mime_type.starts_with("video/") ? "video" : "picture",
                               app::without_media_markers(a.original_name));
    }
    if (a.extracted_text.empty()) continue;
    documents += fmt::format("\n\n[Attached file: {}]\n{}", a.original_name, a.extracted_text);
  }
  p.content += app::without_media_markers(message.content + documents);
  return p;
}

}  // namespace

std::string title_from_message(const std::string& text, size_t max_chars) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return "New chat";
  const size_t end_of_line = text.find('\n', start);
  std::string_view line(text.data() + start,
                        (end_of_line == std::string::npos ? text.size() : end_of_line) - start);
  size_t chars = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) return std::string(line.substr(0, i)) + "\xE2\x80\xA6";
    ++chars;
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  return std::string(line);
}

TurnRunner::TurnRunner(StoreAccess& store, ChatEngine& engine, std::string model_name,
                       int64_t write_interval_ms)
    : store_(store),
      engine_(engine),
      model_name_(std::move(model_name)),
      write_interval_ms_(write_interval_ms) {}

std::vector<PromptMessage> TurnRunner::prompt_branch(int64_t user_message_id) {
  struct StoredMessage {
    store::Message message;
    std::vector<store::Attachment> attachments;
  };
  std::vector<StoredMessage> path;
  std::string system_prompt;
  std::filesystem::path attachments_dir;
  store_.run_and_wait([&](store::ConversationStore& s) {
    const store::Message user = s.get_message(user_message_id);
    system_prompt = s.get_conversation(user.conversation_id).system_prompt;
    attachments_dir = s.attachments_dir();
    for (store::Message& m : s.path_to(user_message_id)) {
      if (m.status == store::MessageStatus::Error) continue;  // failed replies say nothing
      std::vector<store::Attachment> attachments;
      if (m.role == store::Role::User) attachments = s.attachments_of(m.id);
      path.push_back({std::move(m), std::move(attachments)});
    }
  });
  // Pictures are read here, on the engine's thread, not the store's.
  std::vector<PromptMessage> branch;
  if (!system_prompt.empty()) {
    branch.push_back({Role::System, app::without_media_markers(system_prompt), "", {}});
  }
  for (const StoredMessage& m : path) {
    if (m.message.role == store::Role::User) {
      branch.push_back(
          user_prompt_message(m.message, m.attachments, attachments_dir, engine_.picture_source()));
    } else {
      branch.push_back({m.message.role,
                        app::without_media_markers(m.message.content),
                        app::without_media_markers(m.message.reasoning),
                        {}});
    }
  }
  return branch;
}

TurnOutcome TurnRunner::send(int64_t conversation_id, const std::string& text,
                             const GenerationSettings& settings, const TurnEvents& events) {
  return send(conversation_id, text, {}, settings, events);
}

TurnOutcome TurnRunner::send(int64_t conversation_id, const std::string& text,
                             const std::vector<int64_t>& attachment_ids,
                             const GenerationSettings& settings, const TurnEvents& events) {
  int64_t user_id = 0;
  store_.run_and_wait([&](store::ConversationStore& s) {
    const store::Conversation c = s.get_conversation(conversation_id);
    if (c.title.empty()) s.rename_conversation(conversation_id, title_from_message(text));
    user_id = s.append_message(conversation_id, c.active_leaf_message_id, store::Role::User, text);
    for (int64_t attachment : attachment_ids) s.link_attachment(user_id, attachment);
  });
  return reply_to(user_id, std::nullopt, settings, events);
}

TurnOutcome TurnRunner::edit(int64_t user_message_id, const std::string& new_text,
                             const GenerationSettings& settings, const TurnEvents& events) {
  int64_t user_id = 0;
  store_.run_and_wait([&](store::ConversationStore& s) {
    const store::Message original = s.get_message(user_message_id);
    if (original.role != store::Role::User) {
      throw TurnError(fmt::format("message {} is not a user message", user_message_id));
    }
    store::NewMessage edited;
    edited.role = store::Role::User;
    edited.content = new_text;
    user_id = s.append_sibling(user_message_id, edited);
    // The rewritten message keeps what was attached to the original.
    for (const store::Attachment& a : s.attachments_of(user_message_id)) {
      s.link_attachment(user_id, a.id);
    }
  });
  return reply_to(user_id, std::nullopt, settings, events);
}

TurnOutcome TurnRunner::regenerate(int64_t reply_message_id, const GenerationSettings& settings,
                                   const TurnEvents& events) {
  int64_t user_id = 0;
  store_.run_and_wait([&](store::ConversationStore& s) {
    const store::Message reply = s.get_message(reply_message_id);
    if (reply.role != store::Role::Assistant || !reply.parent_id) {
      throw TurnError(fmt::format("message {} is not a reply", reply_message_id));
    }
    user_id = *reply.parent_id;
  });
  return reply_to(user_id, reply_message_id, settings, events);
}

TurnOutcome TurnRunner::continue_reply(int64_t reply_message_id, const GenerationSettings& settings,
                                       const TurnEvents& events) {
  store::Message reply;
  store_.run_and_wait([&](store::ConversationStore& s) {
    reply = s.get_message(reply_message_id);
    if (reply.role != store::Role::Assistant || !reply.parent_id) {
      throw TurnError(fmt::format("message {} is not a reply", reply_message_id));
    }
    if (reply.status == store::MessageStatus::Complete) {
      throw TurnError("this reply is complete; regenerate it for another one");
    }
    // Streaming again: a crash from here on is recovered as incomplete.
    s.resume_streaming(reply_message_id);
    s.set_active_leaf(reply_message_id);
  });
  if (events.on_started) events.on_started(*reply.parent_id, reply.id);
  return stream_into(*reply.parent_id, reply.id, PartialReply{reply.reasoning, reply.content},
                     settings, events);
}

TurnOutcome TurnRunner::reply_to(int64_t user_message_id, std::optional<int64_t> sibling_of,
                                 const GenerationSettings& settings, const TurnEvents& events) {
  // A regeneration must be able to differ from the replies beside it, yet
  // stay reproducible: the seed moves on by the reply's place among them.
  GenerationSettings varied = settings;
  int64_t reply_id = 0;
  store_.run_and_wait([&](store::ConversationStore& s) {
    store::NewMessage reply;
    reply.role = store::Role::Assistant;
    reply.status = store::MessageStatus::Streaming;
    reply.model = model_name_;
    if (sibling_of) {
      reply_id = s.append_sibling(*sibling_of, reply);
      varied.sampler.seed += s.siblings(reply_id).index;
    } else {
      reply_id =
          s.append_message(s.get_message(user_message_id).conversation_id, user_message_id, reply);
    }
  });
  if (events.on_started) events.on_started(user_message_id, reply_id);
  return stream_into(user_message_id, reply_id, std::nullopt, varied, events);
}

TurnOutcome TurnRunner::stream_into(int64_t user_message_id, int64_t reply_id,
                                    const std::optional<PartialReply>& partial,
                                    const GenerationSettings& settings, const TurnEvents& events) {
  TurnOutcome outcome;
  outcome.user_message_id = user_message_id;
  outcome.reply_message_id = reply_id;

  // The growing reply, saved at a bounded rate while it streams.
  std::string reasoning = partial ? partial->reasoning : "";
  std::string answer = partial ? partial->answer : "";
  WriteThrottle throttle(write_interval_ms_);
  // A reply that can no longer be saved (disk full, database gone) stops
  // at once instead of running on unsaved; what was saved stays.
  std::string save_error;
  TurnCallbacks callbacks;
  callbacks.on_prompt_progress = events.on_prompt_progress;
  callbacks.on_picture_progress = events.on_picture_progress;
  callbacks.should_stop = [&] {
    return !save_error.empty() || (events.should_stop && events.should_stop());
  };
  callbacks.on_text = [&](const SplitText& piece) {
    reasoning += piece.reasoning;
    answer += piece.answer;
    if (events.on_text) events.on_text(piece);
    const auto now = WriteThrottle::Clock::now();
    if (save_error.empty() && throttle.due(now)) {
      throttle.wrote(now);
      try {
        store_.run_later([reply_id, answer, reasoning](store::ConversationStore& s) {
          s.update_streaming(reply_id, answer, reasoning);
        });
      } catch (const std::exception& e) {
        save_error = e.what();
      }
    }
  };

  try {
    const std::vector<PromptMessage> branch = prompt_branch(user_message_id);
    outcome.result = engine_.respond(branch, settings, callbacks, partial);
    if (!outcome.result.notice.empty() && events.on_notice) events.on_notice(outcome.result.notice);
    outcome.status = status_for(outcome.result.finish);
    if (!save_error.empty()) {
      outcome.status = store::MessageStatus::Error;
      outcome.error = "the reply could not be saved, so it was stopped: " + save_error;
    }
  } catch (const std::exception& e) {
    outcome.status = store::MessageStatus::Error;
    outcome.error = e.what();
    outcome.result.reasoning = reasoning;
    outcome.result.answer = answer;
  }

  store::GenerationStats stats;
  stats.prompt_tokens = outcome.result.prompt_tokens;
  stats.completion_tokens = outcome.result.completion_tokens;
  stats.time_to_first_token_ms = static_cast<int64_t>(outcome.result.time_to_first_token_ms);
  stats.generation_ms = static_cast<int64_t>(outcome.result.generation_ms);
  try {
    store_.run_and_wait([&](store::ConversationStore& s) {
      s.update_streaming(reply_id, outcome.result.answer, outcome.result.reasoning);
      s.finish_message(reply_id, outcome.status, stats, outcome.error);
    });
  } catch (const std::exception& e) {
    // Still nothing lost that was saved: the reply stays as last written and
    // is recovered as incomplete on the next start.
    if (outcome.status != store::MessageStatus::Error) {
      outcome.status = store::MessageStatus::Error;
      outcome.error = std::string("the reply could not be saved: ") + e.what();
    }
  }
  return outcome;
}

}  // namespace mosaic::turns
