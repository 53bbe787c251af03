// CheckpointIndex: the index file's text, checked by count and FNV-1a checksum.
#include "model/checkpoint_index.hpp"

#include <fmt/format.h>

#include <charconv>

namespace cairn::model {
namespace {

constexpr std::string_view kHeader = "cairn-checkpoint-index 1 generation ";

std::uint64_t Checksum(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

template <typename Int>
bool ParseInt(std::string_view s, Int* out, int base = 10) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && end == s.data() + s.size();
}

// Splits off the text before the next `sep`; false when there is none.
bool Take(std::string_view* rest, char sep, std::string_view* field) {
  std::size_t at = rest->find(sep);
  if (at == std::string_view::npos) return false;
  *field = rest->substr(0, at);
  rest->remove_prefix(at + 1);
  return true;
}

}  // namespace

std::string FormatCheckpointIndex(const CheckpointIndex& index) {
  const std::vector<CheckpointIndexEntry>& entries = index.entries;
  std::string text(kHeader);
  fmt::format_to(std::back_inserter(text), "{}\n", index.generation);
  for (const CheckpointIndexEntry& e : entries) {
    fmt::format_to(std::back_inserter(text), "{}/{}/{}/{}\n", e.rank, e.creation_time, e.name,
                   e.parent);
  }
  fmt::format_to(std::back_inserter(text), "end {} {:016x}\n", entries.size(), Checksum(text));
  return text;
}

std::optional<CheckpointIndex> ParseCheckpointIndex(std::string_view text) {
  if (!text.starts_with(kHeader) || !text.ends_with('\n')) return std::nullopt;
  std::size_t end_at = text.rfind("\nend ", text.size() - 1);
  if (end_at == std::string_view::npos) return std::nullopt;
  std::string_view body = text.substr(0, end_at + 1);
  std::string_view trailer = text.substr(end_at + 5, text.size() - end_at - 6);
  std::string_view count_text;
  std::size_t count = 0;
  std::uint64_t sum = 0;
  if (!Take(&trailer, ' ', &count_text) || !ParseInt(count_text, &count) ||
      !ParseInt(trailer, &sum, 16) || sum != Checksum(body)) {
    return std::nullopt;
  }
  CheckpointIndex index;
  std::vector<CheckpointIndexEntry>& entries = index.entries;
  entries.reserve(count);
  std::string_view rest = body.substr(kHeader.size());
  std::string_view line;
  if (!Take(&rest, '\n', &line) || !ParseInt(line, &index.generation)) return std::nullopt;
  while (Take(&rest, '\n', &line)) {
    std::string_view rank, time, name;
    CheckpointIndexEntry e;
    if (!Take(&line, '/', &rank) || !Take(&line, '/', &time) || !Take(&line, '/', &name) ||
        !ParseInt(rank, &e.rank) || !ParseInt(time, &e.creation_time) || name.empty() ||
        line.find('/') != std::string_view::npos) {
      return std::nullopt;
    }
    e.name = std::string(name);
    e.parent = std::string(line);
    entries.push_back(std::move(e));
  }
  if (entries.size() != count) return std::nullopt;
  return index;
}

}  // namespace cairn::model
