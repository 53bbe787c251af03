// FormatStores: backup stores formatted by the QEMU that will use them, over QMP
// (blockdev-create), as libvirt creates its images: no qemu-img process per store.
//
// For each store: its file or block device opened as a protocol node, a blockdev-create job
// writing the format onto it, the job awaited and dismissed, the node closed. The adds and
// creates of every store go in one round trip, so do the dismissals and closes; each job is
// awaited on its own (WaitForJobConcluded: a query-jobs, then its event if still running).
// Guarantees: on return, whether it succeeded or not, no node or job it made is left in QEMU
// (unless QEMU stops answering); the first failure is returned, naming the store. A caller
// killed part way leaves them: ClearFormatting (a killed begin's roll-back) removes them.
// Thread rule: the caller's, holding the monitor.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "cairn/error.hpp"
#include "qmp/qmp_client.hpp"

namespace cairn::drivers::qemu {

struct StoreToFormat {
  std::string name;      // short and unique among the call's stores: names its node and job
  std::string path;      // an existing file or block device, which QEMU may open
  std::string protocol;  // "file" or "host_device"
  std::string format;    // a format blockdev-create writes: "qcow2"
  std::uint64_t size = 0;
  std::string purpose;  // for errors: "for backup of 'vda'"
};

Status FormatStores(qmp::QmpClient& qmp, std::span<const StoreToFormat> stores);

// Removes the job and node a FormatStores call killed part way left for stores named
// `names` (a job still running is awaited first); what is not there is no error.
Status ClearFormatting(qmp::QmpClient& qmp, std::span<const std::string> names);

}  // namespace cairn::drivers::qemu
