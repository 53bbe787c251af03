// cairn/flags.hpp — typed flags of the public C++ API, with libvirt's numeric values.
//
// Each flag set is a scoped enum; `|`, `&` and `Has()` combine and test them, so a checkpoint
// delete flag can never be passed where a list flag is expected. The values equal libvirt's
// (VIR_DOMAIN_CHECKPOINT_*), so the C API converts with a cast. Unknown bits are carried
// through and rejected by the entry point that receives them (VIR_ERR_INVALID_ARG).
#pragma once

#include <type_traits>

namespace cairn {

// virConnectFlags (the subset Cairn honours): how a connection is opened.
enum class ConnectFlags : unsigned {
  kNone = 0,
  kReadOnly = 1u << 0,  // VIR_CONNECT_RO, as virConnectOpenReadOnly
};

// virDomainCheckpointCreateFlags.
enum class CheckpointCreateFlags : unsigned {
  kNone = 0,
  kRedefine = 1u << 0,          // reinstate metadata from a previous GetXMLDesc
  kQuiesce = 1u << 1,           // freeze guest filesystems through the guest agent
  kRedefineValidate = 1u << 2,  // with kRedefine: check that the bitmaps really exist
};

// virDomainCheckpointXMLFlags.
enum class CheckpointXmlFlags : unsigned {
  kNone = 0,
  kSecure = 1u << 0,    // include security-sensitive data; refused on read-only connections
  kNoDomain = 1u << 1,  // omit the <domain> element
  kSize = 1u << 2,      // add per-disk size= (bytes dirtied since the checkpoint)
};

// virDomainCheckpointListFlags. kRoots and kDescendants share a bit: kRoots narrows
// ListAllCheckpoints to checkpoints without a parent; kDescendants widens ListAllChildren
// from direct children to every descendant.
enum class CheckpointListFlags : unsigned {
  kNone = 0,
  kRoots = 1u << 0,
  kDescendants = 1u << 0,
  kTopological = 1u << 1,  // parents always come before their children
  kLeaves = 1u << 2,       // only checkpoints without children
  kNoLeaves = 1u << 3,     // only checkpoints with children
};

// virDomainCheckpointDeleteFlags.
enum class CheckpointDeleteFlags : unsigned {
  kNone = 0,
  kChildren = 1u << 0,      // delete this checkpoint and all its descendants
  kMetadataOnly = 1u << 1,  // forget Cairn's metadata, keep the bitmaps
  kChildrenOnly = 1u << 2,  // delete the descendants, keep this checkpoint
};

// virConnectListAllDomainsFlags (the subset Cairn honours).
enum class ListDomainsFlags : unsigned {
  kNone = 0,
  kActive = 1u << 0,
  kInactive = 1u << 1,
  kPersistent = 1u << 2,
  kTransient = 1u << 3,
  kHasCheckpoint = 1u << 14,
  kNoCheckpoint = 1u << 15,
};

// virDomainUndefineFlagsValues (the subset Cairn honours).
enum class UndefineFlags : unsigned {
  kNone = 0,
  kCheckpointsMetadata = 1u << 4,  // also discard checkpoint metadata (bitmaps stay)
};

// virDomainShutdownFlagValues and virDomainRebootFlagValues (the subset Cairn honours; the
// same values in both). kDefault lets the driver choose; several bits: any of them.
enum class ShutdownFlags : unsigned {
  kDefault = 0,
  kAcpiPowerBtn = 1u << 0,  // VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN
  kGuestAgent = 1u << 1,    // VIR_DOMAIN_SHUTDOWN_GUEST_AGENT
};
enum class RebootFlags : unsigned {
  kDefault = 0,
  kAcpiPowerBtn = 1u << 0,  // VIR_DOMAIN_REBOOT_ACPI_POWER_BTN
  kGuestAgent = 1u << 1,    // VIR_DOMAIN_REBOOT_GUEST_AGENT
};

// virDomainXMLFlags (the subset Cairn honours).
enum class DomainXmlFlags : unsigned {
  kNone = 0,
  kSecure = 1u << 0,
  kInactive = 1u << 1,
};

// virDomainBackupBeginFlags.
enum class BackupBeginFlags : unsigned {
  kNone = 0,
  kReuseExternal = 1u << 0,           // targets / scratch files exist: use them, never delete
  kPreserveShutdownDomain = 1u << 1,  // a guest shutting down waits for the backup to end
};

// virDomainGetJobStatsFlags.
enum class JobStatsFlags : unsigned {
  kNone = 0,
  kCompleted = 1u << 0,      // the last completed job instead of the running one
  kKeepCompleted = 1u << 1,  // with kCompleted: keep those statistics for the next reader
};

template <typename E>
concept CairnFlags = std::is_same_v<E, ConnectFlags> || std::is_same_v<E, CheckpointCreateFlags> ||
    std::is_same_v<E, CheckpointXmlFlags> || std::is_same_v<E, CheckpointListFlags> ||
    std::is_same_v<E, CheckpointDeleteFlags> || std::is_same_v<E, ListDomainsFlags> ||
    std::is_same_v<E, UndefineFlags> || std::is_same_v<E, DomainXmlFlags> ||
    std::is_same_v<E, BackupBeginFlags> || std::is_same_v<E, JobStatsFlags> ||
    std::is_same_v<E, ShutdownFlags> || std::is_same_v<E, RebootFlags>;

template <CairnFlags E>
constexpr E operator|(E a, E b) {
  return static_cast<E>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
template <CairnFlags E>
constexpr E operator&(E a, E b) {
  return static_cast<E>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
template <CairnFlags E>
constexpr E& operator|=(E& a, E b) {
  return a = a | b;
}
template <CairnFlags E>
constexpr bool Has(E set, E flag) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(flag)) != 0;
}
template <CairnFlags E>
constexpr unsigned Bits(E set) {
  return static_cast<unsigned>(set);
}

}  // namespace cairn
