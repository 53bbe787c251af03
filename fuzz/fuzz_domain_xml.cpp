// Fuzz target: DomainDef::Parse (the <domain> subset plus the kept element tree); what parses
// must format, with each of Cairn's format flags, to a document that parses and formats
// identically, and its disks must be found again by target.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "conf/domain_def.hpp"
#include "round_trip.hpp"

using namespace cairn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  Result<conf::DomainDef> def = conf::DomainDef::Parse(xml);
  if (!def) return 0;
  for (unsigned flags : {0u, conf::kDomainFormatSecure, conf::kDomainFormatInactive,
                         conf::kDomainFormatSecure | conf::kDomainFormatInactive}) {
    fuzz::CheckFormatIsStable(
        def->Format(flags), [](std::string_view text) { return conf::DomainDef::Parse(text); },
        [&](const conf::DomainDef& d) { return d.Format(flags); });
  }
  for (const conf::DomainDiskDef& disk : def->disks()) {
    if (def->FindDisk(disk.target) == nullptr) {
      fuzz::RoundTripFailed("FindDisk misses a disk's own target", disk.target, "");
    }
  }
  conf::DomainDef changed = *def;
  changed.set_id(7);
  changed.set_uuid("11111111-2222-3333-4444-555555555555");
  (void)changed.Format(conf::kDomainFormatSecure);
  return 0;
}
