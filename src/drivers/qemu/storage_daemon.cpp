// Starting, finding and stopping the storage daemon of a shut-off domain's backup.
#include "drivers/qemu/storage_daemon.hpp"

#include <signal.h>

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "drivers/qemu/qemu_command.hpp"
#include "qmp/qmp_client.hpp"
#include "util/atomic_file.hpp"
#include "util/child_process.hpp"
#include "util/process_table.hpp"

namespace cairn::drivers::qemu {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kQemu;
constexpr std::string_view kProgram = "qemu-storage-daemon";
// Quitting writes the images' persistent bitmaps: give it the time a large image needs.
constexpr std::chrono::seconds kQuitGrace{30};

// Ours only if that process is a storage daemon started with this domain's pid file.
bool IsStorageDaemonOf(pid_t pid, const StateLayout& layout, std::string_view name) {
  if (!util::ProcessExists(pid)) return false;
  const std::vector<std::string> argv = util::ProcessCommandLine(pid);
  if (argv.empty() || std::filesystem::path(argv[0]).filename() != kProgram) return false;
  const std::string pid_file = layout.StorageDaemonPidFile(name).string();
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--pidfile" && argv[i + 1] == pid_file) return true;
  }
  return false;
}

void ClearState(const StateLayout& layout, std::string_view name) {
  std::error_code ec;
  std::filesystem::remove(layout.StorageDaemonPidFile(name), ec);
  std::filesystem::remove(layout.StorageDaemonQmpSocket(name), ec);
}

}  // namespace

Result<pid_t> StartStorageDaemon(const conf::DomainDef& def, const StateLayout& layout) {
  const std::string& name = def.name();
  if (Status ok = util::EnsureDirectory(layout.RunDir(name), 0700); !ok) {
    return std::unexpected(ok.error());
  }
  ClearState(layout, name);
  Result<std::vector<std::string>> blockdevs = AllDiskBlockdevs(def);
  if (!blockdevs) return std::unexpected(blockdevs.error());
  std::vector<std::string> argv = {std::string(kProgram)};
  for (std::string& b : *blockdevs) argv.insert(argv.end(), {"--blockdev", std::move(b)});
  argv.insert(argv.end(),
              {"--chardev",
               fmt::format("socket,id=qmp,path={},server=on,wait=off",
                           Escape(layout.StorageDaemonQmpSocket(name).string())),
               "--monitor", "chardev=qmp", "--pidfile",
               layout.StorageDaemonPidFile(name).string(), "--daemonize"});
  Result<std::string> out = util::RunProgram(
      argv, kErr, fmt::format("qemu-storage-daemon for shut-off domain '{}'", name));
  if (!out) return std::unexpected(out.error());
  std::optional<pid_t> pid = FindStorageDaemon(layout, name);
  if (!pid) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("qemu-storage-daemon for domain '{}' exited right after starting",
                            name));
  }
  return *pid;
}

std::optional<pid_t> FindStorageDaemon(const StateLayout& layout, std::string_view name) {
  std::optional<long> pid = util::ReadNumberFile(layout.StorageDaemonPidFile(name));
  if (!pid) return std::nullopt;
  if (!IsStorageDaemonOf(static_cast<pid_t>(*pid), layout, name)) {
    ClearState(layout, name);
    return std::nullopt;
  }
  return static_cast<pid_t>(*pid);
}

Status StopStorageDaemon(const StateLayout& layout, std::string_view name, pid_t pid) {
  auto ours = [&] { return IsStorageDaemonOf(pid, layout, name); };
  if (!ours()) {
    ClearState(layout, name);
    return {};
  }
  bool asked = false;
  if (Result<qmp::QmpClient> qmp = qmp::QmpClient::Connect(layout.StorageDaemonQmpSocket(name),
                                                               std::chrono::seconds(2))) {
    asked = qmp->Execute("quit").has_value();
  }
  if (!asked) ::kill(pid, SIGTERM);
  if (!util::WaitUntilGone(ours, kQuitGrace)) {
    ::kill(pid, SIGKILL);
    if (!util::WaitUntilGone(ours, std::chrono::seconds(5))) {
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("qemu-storage-daemon process {} of domain '{}' does not die", pid,
                              name));
    }
  }
  ClearState(layout, name);
  return {};
}

}  // namespace cairn::drivers::qemu
