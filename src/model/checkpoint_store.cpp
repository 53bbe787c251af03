// CheckpointStore: checkpoint files and the journal.
#include "model/checkpoint_store.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "conf/xml_element.hpp"
#include "util/atomic_file.hpp"

namespace cairn::model {
namespace {

constexpr const char* kJournal = ".journal";
constexpr const char* kIndex = ".index";

// Save, Remove and WriteCurrent: atomic now, durable at Commit (checkpoint_store.hpp).
// Checkpoint definitions may hold secrets (the domain's, in SECURE format): 0600, and the
// directories 0700, so that only the state root's owner reads them.
const util::AtomicWriteOptions kStaged{.sync_directory = false, .mode = 0600};
const util::AtomicWriteOptions kPrivate{.mode = 0600};

// What this process linked from each directory's index, with the index's text. Every index
// written has a generation no earlier index of its directory had (one more than the index
// it replaces, or the time in nanoseconds when rebuilt from the files), and a file is only
// ever replaced whole (rename), so an equal first line means the same index: the files are
// as they were, and the tree and the definitions read through it still hold. One entry per
// directory, the last linked.
struct LinkCache {
  struct Entry {
    std::string header;                       // the index's first line
    std::shared_ptr<const std::string> text;  // the whole index
    std::shared_ptr<const LinkedCheckpoints> linked;
  };
  std::mutex mu;
  std::unordered_map<std::string, Entry> by_dir;
};

LinkCache& Links() {
  static LinkCache* cache = new LinkCache();  // never destroyed: used until exit
  return *cache;
}

std::string HeaderOf(std::string_view text) {
  std::size_t eol = text.find('\n');
  return eol == std::string_view::npos ? std::string() : std::string(text.substr(0, eol + 1));
}

// The index's first line, or "" when unreadable.
std::string IndexHeader(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buf[128];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  ::close(fd);
  if (n <= 0) return {};
  return HeaderOf(std::string_view(buf, static_cast<std::size_t>(n)));
}

std::optional<LinkCache::Entry> CachedLink(const std::filesystem::path& dir,
                                           const std::string& header) {
  if (header.empty()) return std::nullopt;
  LinkCache& c = Links();
  std::lock_guard lock(c.mu);
  auto it = c.by_dir.find(dir.string());
  if (it == c.by_dir.end() || it->second.header != header) return std::nullopt;
  return it->second;
}

void RememberLink(const std::filesystem::path& dir, std::string text,
                  std::shared_ptr<const LinkedCheckpoints> linked) {
  LinkCache& c = Links();
  std::lock_guard lock(c.mu);
  std::string header = HeaderOf(text);
  c.by_dir.insert_or_assign(
      dir.string(), LinkCache::Entry{std::move(header),
                                     std::make_shared<const std::string>(std::move(text)),
                                     std::move(linked)});
}

}  // namespace

Status CheckpointStore::CheckStorable(std::string_view name) const {
  if (Status ok = conf::ValidateCheckpointName(name); !ok) return ok;
  if (name.size() > kMaxStoredNameBytes) {
    return Fail(ErrorCode::kInvalidArg, ErrorDomain::kDomainCheckpoint,
                fmt::format("checkpoint name '{}...' is {} bytes long; the qemu driver stores "
                            "names of at most {} bytes",
                            name.substr(0, 32), name.size(), kMaxStoredNameBytes));
  }
  return {};
}

Result<std::filesystem::path> CheckpointStore::PathOf(std::string_view name) const {
  if (Status ok = CheckStorable(name); !ok) return std::unexpected(ok.error());
  return dir_ / (std::string(name) + ".xml");
}

std::filesystem::path CheckpointStore::JournalPath() const { return dir_ / kJournal; }

Result<std::vector<conf::CheckpointDef>> CheckpointStore::LoadAll(
    std::vector<std::string>* skipped) const {
  std::vector<conf::CheckpointDef> defs;
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return defs;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::filesystem::path& p = entry.path();
    if (p.extension() != ".xml" || p.filename().string().front() == '.') continue;
    Result<std::string> text = util::ReadFile(p);
    Result<conf::CheckpointDef> def =
        text ? conf::ParseCheckpointXml(*text, conf::kCheckpointParseRedefine)
             : Result<conf::CheckpointDef>(std::unexpected(text.error()));
    if (!def || def->name + ".xml" != p.filename().string()) {
      if (skipped != nullptr) skipped->push_back(p.string());
      continue;
    }
    defs.push_back(std::move(*def));
  }
  if (ec) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                fmt::format("cannot read directory '{}': {}", dir_.string(), ec.message()));
  }
  return defs;
}

Result<conf::CheckpointDef> CheckpointStore::Load(std::string_view name) const {
  Result<std::filesystem::path> path = PathOf(name);
  if (!path) return std::unexpected(path.error());
  Result<std::string> text = util::ReadFile(*path);
  if (!text) {
    std::error_code ec;
    if (!std::filesystem::exists(*path, ec)) {
      return Fail(ErrorCode::kNoDomainCheckpoint, ErrorDomain::kDomainCheckpoint,
                  fmt::format("no domain checkpoint with matching name '{}'", name));
    }
    return std::unexpected(text.error());
  }
  Result<conf::CheckpointDef> def = conf::ParseCheckpointXml(*text, conf::kCheckpointParseRedefine);
  if (def && def->name != name) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kDomainCheckpoint,
                fmt::format("checkpoint file '{}' defines '{}'", path->string(), def->name));
  }
  return def;
}

Result<std::shared_ptr<const LinkedCheckpoints>> CheckpointStore::LoadIndexed(
    bool write_index) const {
  std::filesystem::path dir = dir_;
  DefinitionLoader load = [dir](std::string_view name) { return CheckpointStore(dir).Load(name); };
  std::shared_ptr<const LinkedCheckpoints> linked;
  std::vector<CheckpointIndexEntry> entries;
  table_.reset();
  unparsed_index_.reset();
  relinked_.clear();
  // The first line carries the generation, which no other index of this directory had:
  // when it matches what this process linked, nothing more needs reading.
  if (std::optional<LinkCache::Entry> cached = CachedLink(dir_, IndexHeader(dir_ / kIndex))) {
    unparsed_index_ = cached->text;  // this store's own table is parsed if a change comes
    return cached->linked;
  }
  Result<std::string> text = util::ReadFile(dir_ / kIndex);
  std::optional<CheckpointIndex> index;
  if (text) index = ParseCheckpointIndex(*text);
  if (index) {
    generation_ = index->generation;
    linked = LinkCheckpoints(index->entries, {}, std::move(load));
    RememberLink(dir_, *text, linked);
    entries = std::move(index->entries);
  } else {
    Result<std::vector<conf::CheckpointDef>> defs = LoadAll();
    if (!defs) return std::unexpected(defs.error());
    // No order was recorded: siblings list newest first by creation time, then name.
    std::vector<const conf::CheckpointDef*> by_age;
    for (const conf::CheckpointDef& d : *defs) by_age.push_back(&d);
    std::sort(by_age.begin(), by_age.end(), [](const auto* a, const auto* b) {
      return a->creation_time != b->creation_time ? a->creation_time < b->creation_time
                                                  : a->name < b->name;
    });
    std::uint64_t rank = 0;
    for (const conf::CheckpointDef* d : by_age) {
      entries.push_back({d->name, d->parent, d->creation_time, ++rank});
    }
    // A generation no index of this directory had: the time, in nanoseconds.
    generation_ = static_cast<std::uint64_t>(
        std::chrono::system_clock::now().time_since_epoch() / std::chrono::nanoseconds(1));
    linked = LinkCheckpoints(entries, std::move(*defs), std::move(load));
  }
  table_.emplace();
  next_rank_ = 1;
  for (CheckpointIndexEntry& e : entries) {
    next_rank_ = std::max(next_rank_, e.rank + 1);
    std::string name = e.name;
    table_->insert_or_assign(std::move(name), std::move(e));
  }
  relinked_.clear();
  if (!index && write_index && !table_->empty()) {
    // The files may hold a killed writer's staged changes: durable first, then described.
    if (util::SyncDirectory(dir_)) WriteIndex();
  }
  return linked;
}

bool CheckpointStore::KnowsEveryCheckpoint() const {
  if (unparsed_index_) {
    std::optional<CheckpointIndex> index = ParseCheckpointIndex(*unparsed_index_);
    unparsed_index_ = nullptr;
    if (!index) return false;  // cannot happen: the text parsed when it was linked
    table_.emplace();
    generation_ = index->generation;
    next_rank_ = 1;
    for (CheckpointIndexEntry& e : index->entries) {
      next_rank_ = std::max(next_rank_, e.rank + 1);
      std::string name = e.name;
      table_->insert_or_assign(std::move(name), std::move(e));
    }
  }
  return table_.has_value();
}

Status CheckpointStore::DropIndex() const {
  if (index_dropped_) return {};
  if (::unlink((dir_ / kIndex).c_str()) == 0) {
    // Under a journal the index stays ignored until the journal's replay; without one, a
    // file change must not become durable while the old index still is.
    std::error_code ec;
    if (!std::filesystem::exists(dir_ / kJournal, ec)) {
      if (Status ok = util::SyncDirectory(dir_); !ok) return ok;
    }
  } else if (errno != ENOENT) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                fmt::format("cannot remove '{}': {}", (dir_ / kIndex).string(),
                            std::strerror(errno)));
  }
  index_dropped_ = true;
  return {};
}

// Best effort: an index that cannot be written is simply absent (the next load reads the
// files). Written without fsync — a crash can only tear it, and a torn index is none.
void CheckpointStore::WriteIndex() const {
  std::vector<CheckpointIndexEntry> entries;
  entries.reserve(table_->size());
  for (const auto& [name, e] : *table_) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.rank < b.rank; });
  const std::string text =
      FormatCheckpointIndex({.generation = ++generation_, .entries = std::move(entries)});
  std::string temp = (dir_ / "..index.tmp-XXXXXX").string();
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return;
  bool written = true;
  for (std::size_t done = 0; done < text.size() && written;) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) done += static_cast<std::size_t>(n);
  }
  written = ::fchmod(fd, 0600) == 0 && written;
  written = ::close(fd) == 0 && written;
  if (!written || ::rename(temp.c_str(), (dir_ / kIndex).c_str()) != 0) {
    ::unlink(temp.c_str());
    return;
  }
  index_dropped_ = false;
}

Status CheckpointStore::Save(const conf::CheckpointDef& def) const {
  Result<std::filesystem::path> path = PathOf(def.name);
  if (!path) return std::unexpected(path.error());
  if (Status ok = util::EnsureDirectory(dir_, 0700); !ok) return ok;
  if (Status ok = DropIndex(); !ok) return ok;
  if (Status ok = util::WriteFileAtomically(
          *path, conf::FormatCheckpointXml(def, conf::kCheckpointFormatSecure), kStaged);
      !ok) {
    return ok;
  }
  if (KnowsEveryCheckpoint()) {
    auto [it, added] = table_->try_emplace(def.name);
    // A new checkpoint sorts after every relinked one of its change (rank 0 = newest).
    if (added) it->second.rank = 0;
    it->second.name = def.name;
    it->second.parent = def.parent;
    it->second.creation_time = def.creation_time;
    if (std::find(relinked_.begin(), relinked_.end(), def.name) == relinked_.end()) {
      relinked_.push_back(def.name);
    }
  }
  return {};
}

Status CheckpointStore::Remove(std::string_view name) const {
  Result<std::filesystem::path> path = PathOf(name);
  if (!path) return std::unexpected(path.error());
  if (KnowsEveryCheckpoint()) {
    table_->erase(std::string(name));
    std::erase(relinked_, name);
  }
  std::error_code ec;
  if (!std::filesystem::exists(*path, ec)) return {};  // already gone: replays are idempotent
  if (Status ok = DropIndex(); !ok) return ok;
  return util::RemoveFile(*path);
}

Status CheckpointStore::RemoveAll() const {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (ec) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                fmt::format("cannot remove '{}': {}", dir_.string(), ec.message()));
  }
  return {};
}

std::string CheckpointStore::ReadCurrent() const {
  Result<std::string> text = util::ReadFile(dir_ / ".current");
  if (!text) return {};
  std::string name = *text;
  while (!name.empty() && name.back() == '\n') name.pop_back();
  return conf::ValidateCheckpointName(name) ? name : std::string();
}

Status CheckpointStore::WriteCurrent(std::string_view name) const {
  if (Status ok = util::EnsureDirectory(dir_, 0700); !ok) return ok;
  return util::WriteFileAtomically(dir_ / ".current", std::string(name) + "\n", kStaged);
}

Status CheckpointStore::Commit() const {
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return {};  // nothing was ever written
  if (Status ok = util::SyncDirectory(dir_); !ok) return ok;
  if (index_dropped_ && KnowsEveryCheckpoint()) {
    // Relinked checkpoints go in front of their siblings, keeping their order between them:
    // old rank first, new ones (rank 0) last, so the newest is listed first.
    std::vector<CheckpointIndexEntry*> moved;
    for (const std::string& name : relinked_) {
      if (auto it = table_->find(name); it != table_->end()) moved.push_back(&it->second);
    }
    std::stable_sort(moved.begin(), moved.end(), [](const auto* a, const auto* b) {
      return (a->rank == 0 ? UINT64_MAX : a->rank) < (b->rank == 0 ? UINT64_MAX : b->rank);
    });
    for (CheckpointIndexEntry* e : moved) e->rank = next_rank_++;
    relinked_.clear();
    WriteIndex();
  }
  return {};
}

Status CheckpointStore::WriteJournal(const CheckpointIntent& intent) const {
  conf::XmlElement root("journal");
  root.SetAttribute("op", intent.kind == CheckpointIntent::Kind::kCreate ? "create" : "delete");
  if (intent.new_current) root.SetAttribute("current", *intent.new_current);
  std::string body;
  if (intent.created) {
    if (Status ok = CheckStorable(intent.created->name); !ok) return ok;
    body = conf::FormatCheckpointXml(*intent.created, conf::kCheckpointFormatSecure);
  }
  for (const std::string& name : intent.removed) {
    conf::XmlElement e("remove");
    e.SetAttribute("name", name);
    root.AddChild(std::move(e));
  }
  for (const auto& [name, parent] : intent.reparented) {
    conf::XmlElement e("reparent");
    e.SetAttribute("name", name);
    e.SetAttribute("parent", parent);
    root.AddChild(std::move(e));
  }
  // The created definition is kept as text: it must come back byte for byte.
  if (!body.empty()) {
    conf::XmlElement c("created");
    c.set_text(body);
    root.AddChild(std::move(c));
  }
  if (Status ok = util::EnsureDirectory(dir_, 0700); !ok) return ok;
  // The journal's durable write also makes the index's removal durable.
  if (!index_dropped_) {
    if (::unlink((dir_ / kIndex).c_str()) != 0 && errno != ENOENT) {
      return Fail(ErrorCode::kSystemError, ErrorDomain::kNone,
                  fmt::format("cannot remove '{}': {}", (dir_ / kIndex).string(),
                              std::strerror(errno)));
    }
    index_dropped_ = true;
  }
  return util::WriteFileAtomically(dir_ / kJournal, root.ToString(), kPrivate);
}

Result<std::optional<CheckpointIntent>> CheckpointStore::ReadJournal() const {
  std::error_code ec;
  if (!std::filesystem::exists(dir_ / kJournal, ec)) return std::optional<CheckpointIntent>();
  Result<std::string> text = util::ReadFile(dir_ / kJournal);
  if (!text) return std::unexpected(text.error());
  Result<conf::XmlElement> root = conf::ParseXml(*text, "checkpoint journal");
  if (!root) return std::unexpected(root.error());
  CheckpointIntent intent;
  const std::string* op = root->Attribute("op");
  intent.kind = op != nullptr && *op == "delete" ? CheckpointIntent::Kind::kDelete
                                                 : CheckpointIntent::Kind::kCreate;
  if (const std::string* current = root->Attribute("current")) intent.new_current = *current;
  for (const conf::XmlElement& c : root->children()) {
    if (c.name() == "remove") {
      intent.removed.push_back(c.Attribute("name") ? *c.Attribute("name") : "");
    } else if (c.name() == "reparent") {
      intent.reparented.emplace_back(c.Attribute("name") ? *c.Attribute("name") : "",
                                     c.Attribute("parent") ? *c.Attribute("parent") : "");
    } else if (c.name() == "created") {
      Result<conf::CheckpointDef> def =
          conf::ParseCheckpointXml(c.text(), conf::kCheckpointParseRedefine);
      if (!def) return std::unexpected(def.error());
      intent.created = std::move(*def);
    }
  }
  return std::optional<CheckpointIntent>(std::move(intent));
}

Status CheckpointStore::ClearJournal() const {
  std::error_code ec;
  if (!std::filesystem::exists(dir_ / kJournal, ec)) return Commit();
  if (Status ok = Commit(); !ok) return ok;
  return util::RemoveFile(dir_ / kJournal);
}

}  // namespace cairn::model
