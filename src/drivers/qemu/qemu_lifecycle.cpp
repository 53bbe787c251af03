// QemuDriver's lifecycle calls on a running QEMU, each under the domain's lock: shutdown and
// reboot (the guest agent's guest-shutdown, or the ACPI power button: system_powerdown),
// suspend (stop), resume (cont), and the guest filesystems' freeze and thaw (the agent's
// guest-fsfreeze-*, as libvirt's qemuDomainFSFreeze / qemuDomainFSThaw). Modes follow libvirt's qemuDomainShutdownFlags /
// qemuDomainReboot: an explicit mode is honoured or fails; no mode prefers the agent when the
// domain has one and falls back to ACPI. ACPI reboot is refused (VIR_ERR_ARGUMENT_UNSUPPORTED):
// libvirt turns the guest's ACPI power-off into a reset from its daemon when QEMU reports
// it, and Cairn has no process watching the guest after the call returns.
// Resume of a domain held paused by a backup's PRESERVE_SHUTDOWN_DOMAIN whose guest has
// already shut down (QEMU status "shutdown") cannot continue the vCPUs: the shutdown ends
// with the backup job, so resume says so (VIR_ERR_OPERATION_INVALID) and changes nothing.
#include <fmt/format.h>

#include "drivers/qemu/domain_session.hpp"
#include "drivers/qemu/guest_agent.hpp"
#include "drivers/qemu/qemu_command.hpp"
#include "drivers/qemu/qemu_driver.hpp"
#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;
// The same bits in ShutdownFlags and RebootFlags (cairn/flags.hpp).
constexpr unsigned kAcpiPowerBtn = Bits(ShutdownFlags::kAcpiPowerBtn),
                   kGuestAgent = Bits(ShutdownFlags::kGuestAgent);
static_assert(kAcpiPowerBtn == Bits(RebootFlags::kAcpiPowerBtn) &&
              kGuestAgent == Bits(RebootFlags::kGuestAgent));
// How long guest-shutdown waits for QEMU to report the guest's power-off or reset.
constexpr std::chrono::seconds kAgentShutdownWait{15};

// The domain's session (locked for the call) and the monitor it lends; fails for a shut-off
// domain. The monitor lives apart from the session, so `qmp` stays valid as it moves.
struct RunningDomain {
  DomainSession session;
  qmp::QmpClient& qmp;
};

Result<RunningDomain> OpenRunning(const StateLayout& layout, const driver::DomainRef& ref) {
  Result<DomainSession> s = DomainSession::Open(layout, ref, {.lock = true});
  if (!s) return std::unexpected(s.error());
  if (!s->domain().active()) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "domain is not running");
  }
  Result<qmp::QmpClient*> qmp = s->Monitor();
  if (!qmp) return std::unexpected(qmp.error());
  return RunningDomain{std::move(*s), **qmp};
}

Status Run(qmp::QmpClient& qmp, std::string_view command) {
  Result<nlohmann::json> reply = qmp.Execute(command);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

// The domain's guest agent, with libvirt's errors when it cannot be used
// (qemuDomainAgentAvailable): no channel, vCPUs not running, no answer.
Result<GuestAgent> ConnectAgent(RunningDomain& dom, const StateLayout& layout) {
  const std::string socket = AgentSocketPath(dom.session.domain().def, layout);
  if (socket.empty()) {
    return Fail(ErrorCode::kArgumentUnsupported, kErr, "QEMU guest agent is not configured");
  }
  Result<qmp::VmStatus> status = qmp::QueryStatus(dom.qmp);
  if (!status) return std::unexpected(status.error());
  if (status->status != "running") {
    return Fail(ErrorCode::kOperationInvalid, kErr, "domain is not running");
  }
  return GuestAgent::Connect(socket);
}

// guest-shutdown in `mode` ("powerdown" or "reboot").
Status AgentShutdown(RunningDomain& dom, const StateLayout& layout, std::string_view mode) {
  Result<GuestAgent> agent = ConnectAgent(dom, layout);
  if (!agent) return std::unexpected(agent.error());
  Status sent = agent->ExecuteUnanswered("guest-shutdown", {{"mode", std::string(mode)}});
  if (!sent) return sent;
  // As libvirt, wait (bounded) for QEMU to see the guest go down or reset, with the agent's
  // channel still open: QEMU drops what the guest has not read yet once the host side
  // closes. A guest slower than that is still going down: not an error.
  (void)dom.qmp.WaitForEvent(
      "SHUTDOWN or RESET",
      [](const qmp::Event& e) { return e.name == "SHUTDOWN" || e.name == "RESET"; },
      kAgentShutdownWait);
  return {};
}

// libvirt's choice of mode: the agent when asked for, or with no mode when the domain has
// one; ACPI when asked for, with no mode and no agent, or after the agent failed when ACPI
// was asked for too or no mode was given. When both fail, the agent's error is the one that
// says what went wrong with the mode the caller preferred.
template <typename Acpi>
Status ShutdownOrReboot(const StateLayout& layout, const driver::DomainRef& ref, unsigned flags,
                        std::string_view agent_mode, Acpi acpi) {
  Result<RunningDomain> dom = OpenRunning(layout, ref);
  if (!dom) return std::unexpected(dom.error());
  const bool agent_requested = (flags & kGuestAgent) != 0;
  const bool acpi_requested = (flags & kAcpiPowerBtn) != 0;
  const bool use_agent =
      agent_requested || (flags == 0 && !AgentSocketPath(dom->session.domain().def, layout).empty());
  if (!use_agent) return acpi(*dom);
  Status by_agent = AgentShutdown(*dom, layout, agent_mode);
  if (by_agent || !(acpi_requested || flags == 0)) return by_agent;
  Status by_acpi = acpi(*dom);
  if (!by_acpi && by_acpi.error().code() == ErrorCode::kArgumentUnsupported) return by_agent;
  return by_acpi;
}

}  // namespace

Status QemuDriver::ShutdownDomain(const driver::DomainRef& ref, unsigned flags) {
  return ShutdownOrReboot(layout_, ref, flags, "powerdown",
                          [](RunningDomain& dom) { return Run(dom.qmp, "system_powerdown"); });
}

Status QemuDriver::RebootDomain(const driver::DomainRef& ref, unsigned flags) {
  return ShutdownOrReboot(layout_, ref, flags, "reboot", [&](RunningDomain&) -> Status {
    return Fail(ErrorCode::kArgumentUnsupported, kErr,
                fmt::format("reboot mode 'acpi' is not supported for domain '{}': no process "
                            "stays to reset the guest after its ACPI power-off; reboot it "
                            "through the guest agent (--mode agent)",
                            ref.name));
  });
}

// guest-fsfreeze-freeze, or -freeze-list for chosen mount points: the count qemu-ga reports.
Result<int> QemuDriver::FreezeFilesystems(const driver::DomainRef& ref,
                                          const std::vector<std::string>& mountpoints,
                                          unsigned flags) {
  if (flags != 0) {
    return std::unexpected(driver::UnsupportedFlags(flags, "qemuDomainFSFreeze", kErr));
  }
  Result<RunningDomain> dom = OpenRunning(layout_, ref);
  if (!dom) return std::unexpected(dom.error());
  Result<GuestAgent> agent = ConnectAgent(*dom, layout_);
  if (!agent) return std::unexpected(agent.error());
  Result<std::int64_t> n =
      mountpoints.empty()
          ? agent->ExecuteForCount("guest-fsfreeze-freeze")
          : agent->ExecuteForCount("guest-fsfreeze-freeze-list", {{"mountpoints", mountpoints}});
  if (!n) return std::unexpected(n.error());
  return static_cast<int>(*n);
}

// guest-fsfreeze-thaw thaws everything the agent froze: as libvirt, no mount points.
Result<int> QemuDriver::ThawFilesystems(const driver::DomainRef& ref,
                                        const std::vector<std::string>& mountpoints,
                                        unsigned flags) {
  if (flags != 0) {
    return std::unexpected(driver::UnsupportedFlags(flags, "qemuDomainFSThaw", kErr));
  }
  if (!mountpoints.empty()) {
    return Fail(ErrorCode::kArgumentUnsupported, kErr, "specifying mountpoints is not supported");
  }
  Result<RunningDomain> dom = OpenRunning(layout_, ref);
  if (!dom) return std::unexpected(dom.error());
  Result<GuestAgent> agent = ConnectAgent(*dom, layout_);
  if (!agent) return std::unexpected(agent.error());
  Result<std::int64_t> n = agent->ExecuteForCount("guest-fsfreeze-thaw");
  if (!n) return std::unexpected(n.error());
  return static_cast<int>(*n);
}

Status QemuDriver::SuspendDomain(const driver::DomainRef& ref) {
  Result<RunningDomain> dom = OpenRunning(layout_, ref);
  if (!dom) return std::unexpected(dom.error());
  return Run(dom->qmp, "stop");
}

Status QemuDriver::ResumeDomain(const driver::DomainRef& ref) {
  Result<RunningDomain> dom = OpenRunning(layout_, ref);
  if (!dom) return std::unexpected(dom.error());
  Result<qmp::VmStatus> status = qmp::QueryStatus(dom->qmp);
  if (!status) return std::unexpected(status.error());
  if (status->status == "shutdown") {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("the guest of domain '{}' has shut down; it stays paused until its "
                            "backup job ends, then QEMU finishes the shutdown",
                            ref.name));
  }
  return Run(dom->qmp, "cont");
}

}  // namespace cairn::drivers::qemu
