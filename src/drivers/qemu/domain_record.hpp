// DomainRecord: one domain of a state root as a call sees it — its persistent definition
// and, if it runs, its QEMU; if it is shut off while a backup job reads its disks, the
// storage daemon serving them. Loading notices a process that died (the domain reads as
// shut off, without a daemon).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "conf/domain_def.hpp"
#include "driver/driver.hpp"
#include "drivers/qemu/qemu_process.hpp"
#include "drivers/qemu/state_layout.hpp"

namespace cairn::drivers::qemu {

struct DomainRecord {
  conf::DomainDef def;
  std::optional<RunningQemu> qemu;
  std::optional<pid_t> storage_daemon;  // only while shut off (storage_daemon.hpp)

  bool active() const { return qemu.has_value(); }
  driver::DomainRef Ref() const { return {def.name(), def.uuid(), qemu ? qemu->id : -1}; }
};

// VIR_ERR_NO_DOMAIN "no domain with matching name 'x'" when there is none.
Result<DomainRecord> LoadDomain(const StateLayout& layout, std::string_view name);
// The domain a handle names; its UUID must still match (VIR_ERR_NO_DOMAIN otherwise).
Result<DomainRecord> LoadDomain(const StateLayout& layout, const driver::DomainRef& ref);
Result<std::vector<DomainRecord>> LoadAllDomains(const StateLayout& layout);

}  // namespace cairn::drivers::qemu
