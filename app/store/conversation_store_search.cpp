// Full-text search over message content and reasoning (FTS5, bm25 ranking).
#include <algorithm>

#include "app/store/conversation_store.h"
#include "app/store/fts_query.h"

namespace mosaic::store {
namespace {

// A match in the reply itself counts more than one in the model's reasoning.
constexpr double kContentWeight = 1.0;
constexpr double kReasoningWeight = 0.5;

}  // namespace

std::vector<SearchHit> ConversationStore::search(std::string_view query,
                                                 const SearchOptions& options) {
  check_thread();
  std::string fts_query = make_fts_query(query);
  if (fts_query.empty() || options.limit == 0) return {};
  return with_context("searching for '" + std::string(query) + "'", [&] {
    Statement& search = db_.cached(
        "SELECT m.conversation_id, c.title, m.id, m.role, "
        "snippet(messages_fts, -1, ?1, ?2, ?3, ?4), "
        "bm25(messages_fts, " +
        std::to_string(kContentWeight) + ", " + std::to_string(kReasoningWeight) +
        ") AS score "
        "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
        "JOIN conversations c ON c.id = m.conversation_id "
        "WHERE messages_fts MATCH ?5 AND c.deleted_ms IS NULL "
        "ORDER BY score, m.id LIMIT ?6");
    // FTS5 accepts 1..64 tokens for a snippet.
    int snippet_tokens = std::clamp(options.snippet_tokens, 1, 64);
    search.bind_all(options.match_open, options.match_close, options.ellipsis, snippet_tokens,
                    fts_query, static_cast<int64_t>(options.limit));
    std::vector<SearchHit> hits;
    while (search.step()) {
      SearchHit hit;
      hit.conversation_id = search.int64(0);
      hit.conversation_title = search.text(1);
      hit.message_id = search.int64(2);
      hit.role = role_from_string(search.text(3));
      hit.snippet = search.text(4);
      hit.score = search.real(5);
      hits.push_back(std::move(hit));
    }
    search.reset();
    return hits;
  });
}

std::vector<SearchHit> ConversationStore::search(std::string_view query, size_t limit) {
  SearchOptions options;
  options.limit = limit;
  return search(query, options);
}

}  // namespace mosaic::store
