// Loading domain records from a state root.
#include "drivers/qemu/domain_record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "drivers/qemu/storage_daemon.hpp"
#include "util/atomic_file.hpp"

namespace cairn::drivers::qemu {

namespace {

// Parsed definitions, by the text they were parsed from. A call that reads one domain many
// times (a listing that asks per checkpoint) parses it once. Keyed by the text itself, not
// by file times or inodes (which another process's quick rewrite can repeat): the file is
// still read every time, so whatever another process wrote is what the call sees.
// Thread rule: a mutex guards it.
class ParsedDefinitions {
 public:
  std::optional<conf::DomainDef> Find(const std::string& path, const std::string& text) {
    std::lock_guard<std::mutex> hold(mutex_);
    auto it = cache_.find(path);
    if (it == cache_.end() || it->second.text != text) return std::nullopt;
    return it->second.def;
  }
  void Keep(const std::string& path, std::string text, const conf::DomainDef& def) {
    std::lock_guard<std::mutex> hold(mutex_);
    if (cache_.size() >= kMaxEntries && !cache_.count(path)) cache_.clear();
    cache_.insert_or_assign(path, Entry{std::move(text), def});
  }

 private:
  static constexpr std::size_t kMaxEntries = 256;
  struct Entry {
    std::string text;
    conf::DomainDef def;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> cache_;
};

ParsedDefinitions& Definitions() {
  static ParsedDefinitions* defs = new ParsedDefinitions();  // never destroyed: no exit order
  return *defs;
}

Result<conf::DomainDef> ParseDefinition(const std::filesystem::path& path, std::string text) {
  if (std::optional<conf::DomainDef> kept = Definitions().Find(path.string(), text)) {
    return std::move(*kept);
  }
  Result<conf::DomainDef> def = conf::DomainDef::Parse(text);
  if (def) Definitions().Keep(path.string(), std::move(text), *def);
  return def;
}

}  // namespace

Result<DomainRecord> LoadDomain(const StateLayout& layout, std::string_view name) {
  if (!ValidateDomainName(name)) {
    return Fail(ErrorCode::kNoDomain, ErrorDomain::kQemu,
                fmt::format("no domain with matching name '{}'", name));
  }
  Result<std::string> text = util::ReadFile(layout.DomainXml(name));
  if (!text) {
    std::error_code ec;
    if (std::filesystem::exists(layout.DomainXml(name), ec)) return std::unexpected(text.error());
    return Fail(ErrorCode::kNoDomain, ErrorDomain::kQemu,
                fmt::format("no domain with matching name '{}'", name));
  }
  Result<conf::DomainDef> def = ParseDefinition(layout.DomainXml(name), std::move(*text));
  if (!def) return std::unexpected(def.error());
  DomainRecord rec{std::move(*def), FindRunningQemu(layout, name), std::nullopt};
  if (rec.qemu) rec.def.set_id(rec.qemu->id);
  if (!rec.qemu) rec.storage_daemon = FindStorageDaemon(layout, name);
  return rec;
}

Result<DomainRecord> LoadDomain(const StateLayout& layout, const driver::DomainRef& ref) {
  Result<DomainRecord> rec = LoadDomain(layout, std::string_view(ref.name));
  if (ref.uuid.empty() || (rec && rec->def.uuid() == ref.uuid)) return rec;
  if (!rec && rec.error().code() != ErrorCode::kNoDomain) return rec;
  // The UUID is what a handle means (libvirt finds a handle's domain by it); the name is
  // tried first only because it names the file.
  Result<std::vector<DomainRecord>> all = LoadAllDomains(layout);
  if (!all) return std::unexpected(all.error());
  for (DomainRecord& r : *all) {
    if (r.def.uuid() == ref.uuid) return std::move(r);
  }
  return Fail(ErrorCode::kNoDomain, ErrorDomain::kQemu,
              fmt::format("no domain with matching uuid '{}' ({})", ref.uuid, ref.name));
}

Result<std::vector<DomainRecord>> LoadAllDomains(const StateLayout& layout) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(layout.domains_dir(), ec)) {
    if (e.path().extension() == ".xml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<DomainRecord> out;
  for (const std::string& n : names) {
    Result<DomainRecord> rec = LoadDomain(layout, n);
    if (rec) out.push_back(std::move(*rec));
  }
  return out;
}

}  // namespace cairn::drivers::qemu
