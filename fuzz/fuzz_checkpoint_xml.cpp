// Fuzz target: ParseCheckpointXml (schema validation included) with and without REDEFINE;
// whatever parses must format to a document that parses and formats identically, and must
// survive disk alignment against a fixed domain and name validation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "conf/checkpoint_def.hpp"
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
    <disk type='file' device='disk'>
      <driver type='raw'/>
      <source file='/i/b.raw'/>
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
  for (unsigned parse_flags : {0u, conf::kCheckpointParseRedefine}) {
    Result<conf::CheckpointDef> def = conf::ParseCheckpointXml(xml, parse_flags);
    if (!def) continue;
    for (unsigned format_flags :
         {conf::kCheckpointFormatSecure | conf::kCheckpointFormatSize,
          conf::kCheckpointFormatNoDomain}) {
      fuzz::CheckFormatIsStable(
          conf::FormatCheckpointXml(*def, format_flags),
          [&](std::string_view text) { return conf::ParseCheckpointXml(text, parse_flags); },
          [&](const conf::CheckpointDef& d) { return conf::FormatCheckpointXml(d, format_flags); });
    }
    (void)conf::ValidateCheckpointName(def->name);
    conf::CheckpointDef aligned = *def;
    if (conf::AlignCheckpointDisks(aligned, Domain())) {
      (void)conf::FormatCheckpointXml(aligned, conf::kCheckpointFormatSize);
    }
    if (def->domain) {
      conf::CheckpointDef own = *def;
      (void)conf::AlignCheckpointDisks(own, *def->domain);
    }
  }
  return 0;
}
