// Fuzz target: ParseBackupXml, public (schema-validated) and INTERNAL (status files); what
// parses must format to a document that parses and formats identically, and must survive
// disk alignment against a fixed domain.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "conf/backup_def.hpp"
#include "conf/domain_def.hpp"
#include "round_trip.hpp"

namespace {

using namespace cairn;

constexpr std::string_view kDomain = R"(<domain type='kvm'>
  <name>vm1</name>
  <devices>
    <disk type='file' device='disk'>
      <driver type='qcow2'/>
      <source file='/i/a.qcow2'/>
      <target dev='vda'/>
    </disk>
    <disk type='block' device='disk'>
      <driver type='raw'/>
      <source dev='/dev/sdb'/>
      <target dev='vdb'/>
    </disk>
    <disk type='file' device='cdrom'><source file='/i/c.iso'/><target dev='hdc'/><readonly/></disk>
    <disk type='file' device='cdrom'><target dev='hdd'/></disk>
  </devices>
</domain>)";

const conf::DomainDef& Domain() {
  static const conf::DomainDef domain = *conf::DomainDef::Parse(kDomain);
  return domain;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  for (unsigned flags : {0u, conf::kBackupParseInternal}) {
    Result<conf::BackupDef> def = conf::ParseBackupXml(xml, flags);
    if (!def) continue;
    fuzz::CheckFormatIsStable(
        conf::FormatBackupXml(*def, flags),
        [&](std::string_view text) { return conf::ParseBackupXml(text, flags); },
        [&](const conf::BackupDef& d) { return conf::FormatBackupXml(d, flags); });
    conf::BackupDef aligned = *def;
    if (conf::AlignBackupDisks(aligned, Domain(), "fuzz")) {
      (void)conf::FormatBackupXml(aligned, conf::kBackupParseInternal);
    }
  }
  return 0;
}
