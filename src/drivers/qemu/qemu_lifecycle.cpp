// QemuDriver's lifecycle calls on a running QEMU, each one QMP command under the domain's
// lock: shutdown (ACPI power button: system_powerdown), suspend (stop), resume (cont).
// The guest agent's guest-shutdown and reboot are not offered by this driver yet: they fail
// with VIR_ERR_ARGUMENT_UNSUPPORTED / VIR_ERR_NO_SUPPORT naming what was asked.
// Resume of a domain held paused by a backup's PRESERVE_SHUTDOWN_DOMAIN whose guest has
// already shut down (QEMU status "shutdown") cannot continue the vCPUs: the shutdown ends
// with the backup job, so resume says so (VIR_ERR_OPERATION_INVALID) and changes nothing.
#include <fmt/format.h>

#include "drivers/qemu/domain_session.hpp"
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

}  // namespace

Status QemuDriver::ShutdownDomain(const driver::DomainRef& ref, unsigned flags) {
  // Several modes: any one of them, as libvirt tries them; here ACPI.
  if ((flags & kGuestAgent) && !(flags & kAcpiPowerBtn)) {
    return Fail(ErrorCode::kArgumentUnsupported, kErr,
                fmt::format("shutdown mode 'agent' is not supported for domain '{}'", ref.name));
  }
  Result<RunningDomain> dom = OpenRunning(layout_, ref);
  if (!dom) return std::unexpected(dom.error());
  return Run(dom->qmp, "system_powerdown");
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
