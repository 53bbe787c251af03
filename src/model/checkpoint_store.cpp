// CheckpointStore: checkpoint files and the journal.
#include "model/checkpoint_store.hpp"

#include <fmt/format.h>

#include <system_error>

#include "conf/xml_element.hpp"
#include "util/atomic_file.hpp"

namespace cairn::model {
namespace {

constexpr const char* kJournal = ".journal";

// Save, Remove and WriteCurrent: atomic now, durable at Commit (checkpoint_store.hpp).
const util::AtomicWriteOptions kStaged{.sync_directory = false};

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

Status CheckpointStore::Save(const conf::CheckpointDef& def) const {
  Result<std::filesystem::path> path = PathOf(def.name);
  if (!path) return std::unexpected(path.error());
  if (Status ok = util::EnsureDirectory(dir_, 0755); !ok) return ok;
  return util::WriteFileAtomically(
      *path, conf::FormatCheckpointXml(def, conf::kCheckpointFormatSecure), kStaged);
}

Status CheckpointStore::Remove(std::string_view name) const {
  Result<std::filesystem::path> path = PathOf(name);
  if (!path) return std::unexpected(path.error());
  std::error_code ec;
  if (!std::filesystem::exists(*path, ec)) return {};  // already gone: replays are idempotent
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
  if (Status ok = util::EnsureDirectory(dir_, 0755); !ok) return ok;
  return util::WriteFileAtomically(dir_ / ".current", std::string(name) + "\n", kStaged);
}

Status CheckpointStore::Commit() const {
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return {};  // nothing was ever written
  return util::SyncDirectory(dir_);
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
  if (Status ok = util::EnsureDirectory(dir_, 0755); !ok) return ok;
  return util::WriteFileAtomically(dir_ / kJournal, root.ToString());
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
