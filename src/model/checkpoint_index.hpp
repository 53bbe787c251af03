// CheckpointIndex: the text of DIR/.index, the summary of a domain's checkpoint files that
// lets a call link the whole tree without parsing a single definition: per checkpoint its
// name, parent, creation time and link rank (siblings list highest rank first, which is how
// libvirt orders children: most recently linked first — so the order survives a reload).
// Parsing is all-or-nothing: a torn or altered text (checked by its count and checksum)
// parses as nothing, and the caller falls back to the files. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::model {

struct CheckpointIndexEntry {
  std::string name;
  std::string parent;  // "" = a root
  std::int64_t creation_time = 0;
  std::uint64_t rank = 0;  // among siblings, the highest is listed first
};

struct CheckpointIndex {
  // Changes with every index written, so that two indexes with equal text describe the
  // same files (a process caches what it linked from an index by its text).
  std::uint64_t generation = 0;
  std::vector<CheckpointIndexEntry> entries;
};

// A header with the generation, one line per entry ("rank/creation_time/name/parent": a
// checkpoint name never holds '/' nor a control character), then "end COUNT CHECKSUM".
std::string FormatCheckpointIndex(const CheckpointIndex& index);

// The index, or nullopt when `text` is not a complete index this version wrote.
std::optional<CheckpointIndex> ParseCheckpointIndex(std::string_view text);

}  // namespace cairn::model
