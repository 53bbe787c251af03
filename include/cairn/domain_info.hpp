// cairn/domain_info.hpp — what virDomainGetInfo reports about a domain: its state, memory,
// vCPUs and CPU time, plus the persistence and autostart booleans virsh's dominfo shows.
// Plain values, shared by the public API and the drivers.
#pragma once

namespace cairn {

// virDomainState values.
enum class DomainState : int {
  kNoState = 0, kRunning = 1, kBlocked = 2, kPaused = 3, kShutdown = 4, kShutoff = 5,
  kCrashed = 6, kPmSuspended = 7,
};

// virDomainGetInfo, plus the two booleans virsh's dominfo shows.
struct DomainInfo {
  DomainState state = DomainState::kShutoff;
  unsigned long long max_memory_kib = 0;
  unsigned long long memory_kib = 0;
  unsigned vcpus = 0;
  unsigned long long cpu_time_ns = 0;
  bool persistent = true;
  bool autostart = false;
};

}  // namespace cairn
