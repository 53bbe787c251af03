// Starting, finding and stopping a domain's QEMU.
#include "drivers/qemu/qemu_process.hpp"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "drivers/qemu/file_ownership.hpp"
#include "drivers/qemu/qemu_command.hpp"
#include "util/atomic_file.hpp"
#include "util/child_process.hpp"
#include "util/process_table.hpp"

namespace cairn::drivers::qemu {
namespace {

// The pid is ours only if that process is a QEMU started for this domain.
bool IsQemuOf(pid_t pid, std::string_view name) {
  return util::ProcessExists(pid) && IsCommandLineOf(util::ProcessCommandLine(pid), name);
}

// The run state goes with QEMU, and so does its hold on the disks' files.
void ClearRunState(const StateLayout& layout, std::string_view name) {
  OwnershipLedger(layout.OwnersFile(name)).RestoreAll();
  std::error_code ec;
  for (const auto& p : {layout.PidFile(name), layout.IdFile(name), layout.QmpSocket(name),
                        layout.AgentSocket(name)}) {
    std::filesystem::remove(p, ec);
  }
}

}  // namespace

std::optional<RunningQemu> FindRunningQemu(const StateLayout& layout, std::string_view name) {
  std::optional<long> pid = util::ReadNumberFile(layout.PidFile(name));
  if (!pid) return std::nullopt;
  if (!IsQemuOf(static_cast<pid_t>(*pid), name)) {
    ClearRunState(layout, name);
    return std::nullopt;
  }
  RunningQemu q;
  q.pid = static_cast<pid_t>(*pid);
  q.id = static_cast<int>(util::ReadNumberFile(layout.IdFile(name)).value_or(-1));
  return q;
}

Result<RunningQemu> StartQemu(const conf::DomainDef& def, const StateLayout& layout, int id,
                              const QemuDriverOptions& options) {
  const std::string& name = def.name();
  if (Status ok = util::EnsureDirectory(layout.RunDir(name), 0700); !ok) {
    return std::unexpected(ok.error());
  }
  ClearRunState(layout, name);
  const std::optional<QemuRunAs> run_as = options.EffectiveRunAs();
  Result<std::vector<std::string>> argv = BuildQemuCommand(
      def, layout,
      {.kvm = WantKvm(def), .run_as = run_as, .seccomp_sandbox = options.seccomp_sandbox});
  if (!argv) return std::unexpected(argv.error());
  if (run_as) {
    // QEMU opens the disks before it drops privileges, but reopens them after (read-write
    // for bitmaps, or again on a change of mode): they are the user's while QEMU runs.
    const OwnershipLedger ledger(layout.OwnersFile(name));
    for (const conf::DomainDiskDef& disk : def.disks()) {
      if (disk.empty() || (disk.type != "file" && disk.type != "block" && !disk.type.empty())) {
        continue;
      }
      if (Status ok = ledger.Grant(disk.source, *run_as); !ok) {
        ledger.RestoreAll();
        return std::unexpected(ok.error());
      }
    }
  }
  Result<std::string> out = util::RunProgram(*argv, ErrorDomain::kQemu,
                                             fmt::format("QEMU for domain '{}'", name));
  if (!out) {
    ClearRunState(layout, name);
    return std::unexpected(out.error());
  }
  if (Status ok = util::WriteFileAtomically(layout.IdFile(name), std::to_string(id) + "\n"); !ok) {
    return std::unexpected(ok.error());
  }
  std::optional<RunningQemu> running = FindRunningQemu(layout, name);
  if (!running) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kQemu,
                fmt::format("QEMU for domain '{}' exited right after starting", name));
  }
  return *running;
}

Status StopQemu(const StateLayout& layout, std::string_view name, const RunningQemu& qemu,
                std::chrono::milliseconds grace) {
  auto ours = [&] { return IsQemuOf(qemu.pid, name); };
  ::kill(qemu.pid, SIGTERM);
  if (!util::WaitUntilGone(ours, grace)) {
    ::kill(qemu.pid, SIGKILL);
    if (!util::WaitUntilGone(ours, std::chrono::seconds(5))) {
      return Fail(ErrorCode::kOperationFailed, ErrorDomain::kQemu,
                  fmt::format("QEMU process {} of domain '{}' does not die", qemu.pid, name));
    }
  }
  ClearRunState(layout, name);
  return {};
}

}  // namespace cairn::drivers::qemu
