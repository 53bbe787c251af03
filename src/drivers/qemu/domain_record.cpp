// Loading domain records from a state root.
#include "drivers/qemu/domain_record.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "drivers/qemu/storage_daemon.hpp"
#include "util/atomic_file.hpp"

namespace cairn::drivers::qemu {

Result<DomainRecord> LoadDomain(const StateLayout& layout, std::string_view name) {
  if (!ValidateDomainName(name)) {
    return Fail(ErrorCode::kNoDomain, ErrorDomain::kQemu,
                fmt::format("no domain with matching name '{}'", name));
  }
  std::error_code ec;
  if (!std::filesystem::exists(layout.DomainXml(name), ec)) {
    return Fail(ErrorCode::kNoDomain, ErrorDomain::kQemu,
                fmt::format("no domain with matching name '{}'", name));
  }
  Result<std::string> text = util::ReadFile(layout.DomainXml(name));
  if (!text) return std::unexpected(text.error());
  Result<conf::DomainDef> def = conf::DomainDef::Parse(*text);
  if (!def) return std::unexpected(def.error());
  DomainRecord rec{std::move(*def), FindRunningQemu(layout, name), std::nullopt};
  if (rec.qemu) rec.def.set_id(rec.qemu->id);
  if (!rec.qemu) rec.storage_daemon = FindStorageDaemon(layout, name);
  return rec;
}

Result<DomainRecord> LoadDomain(const StateLayout& layout, const driver::DomainRef& ref) {
  Result<DomainRecord> rec = LoadDomain(layout, std::string_view(ref.name));
  if (rec && !ref.uuid.empty() && rec->def.uuid() != ref.uuid) {
    return Fail(ErrorCode::kNoDomain, ErrorDomain::kQemu,
                fmt::format("no domain with matching uuid '{}' ({})", ref.uuid, ref.name));
  }
  return rec;
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
