// The domain the qemu benches time: "bench", one qcow2 disk vda over `image`, 128 MiB, TCG,
// defined and started on `conn`; a failed step ends the program (must.hpp).
#pragma once

#include <string>

#include "cairn/cairn.hpp"
#include "must.hpp"

namespace cairn::bench {

inline cairn::Domain StartBenchDomain(cairn::Connection& conn, const std::string& image) {
  auto dom = Must(
      conn.DefineDomainXml("<domain type='qemu'><name>bench</name><memory unit='MiB'>128</memory>"
                           "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>"
                           "<devices><disk type='file' device='disk'><driver name='qemu' "
                           "type='qcow2'/><source file='" +
                           image + "'/><target dev='vda' bus='virtio'/></disk></devices></domain>"),
      "define");
  Must(dom.Start(), "start");
  return Must(conn.LookupDomainByName("bench"), "lookup");
}

}  // namespace cairn::bench
