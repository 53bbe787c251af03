// FormatStores: blockdev-create for every store, the commands of each step sent together.
#include "drivers/qemu/store_formatting.hpp"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <vector>

#include "drivers/qemu/crash_point.hpp"
#include "qmp/qmp_commands.hpp"

namespace cairn::drivers::qemu {
namespace {

// Writing a format's header onto an empty file takes QEMU milliseconds; this bounds a stuck
// storage.
constexpr std::chrono::milliseconds kCreateTimeout{30'000};

std::string NodeOf(std::string_view name) { return "cairn-fmt-" + std::string(name); }
std::string NodeOf(const StoreToFormat& s) { return NodeOf(s.name); }

Error Failure(const StoreToFormat& s, const Error& cause) {
  return Error(ErrorCode::kOperationFailed, ErrorDomain::kQemu,
               fmt::format("cannot create '{}' {}: {}", s.path, s.purpose, cause.detail()));
}

}  // namespace

Status FormatStores(qmp::QmpClient& qmp, std::span<const StoreToFormat> stores) {
  if (stores.empty()) return {};
  std::vector<qmp::QmpClient::Command> start;
  for (const StoreToFormat& s : stores) {
    start.push_back(qmp::BlockdevAddCommand(
        {{"driver", s.protocol}, {"node-name", NodeOf(s)}, {"filename", s.path}}));
    start.push_back(qmp::BlockdevCreateCommand(
        NodeOf(s), {{"driver", s.format}, {"file", NodeOf(s)}, {"size", s.size}}));
  }
  Result<std::vector<Result<nlohmann::json>>> started = qmp.ExecuteAll(start);
  if (!started) return std::unexpected(started.error());
  CrashPoint("backup-begin:stores-being-formatted");

  std::optional<Error> first;
  auto fail = [&](const StoreToFormat& s, const Error& cause) {
    if (!first) first = Failure(s, cause);
  };
  std::vector<qmp::QmpClient::Command> finish;
  for (std::size_t i = 0; i < stores.size(); ++i) {
    const StoreToFormat& s = stores[i];
    const Result<nlohmann::json>& added = (*started)[2 * i];
    const Result<nlohmann::json>& created = (*started)[2 * i + 1];
    if (!added) {
      fail(s, added.error());  // and its create found no node
      continue;
    }
    if (!created) {
      fail(s, created.error());
    } else if (Result<qmp::JobInfo> job = qmp::WaitForJobConcluded(qmp, NodeOf(s), kCreateTimeout);
               !job) {
      fail(s, job.error());
    } else {
      if (job->error) fail(s, Error(ErrorCode::kOperationFailed, ErrorDomain::kQemu, *job->error));
      finish.push_back(qmp::JobDismissCommand(NodeOf(s)));
    }
    finish.push_back(qmp::BlockdevDelCommand(NodeOf(s)));
  }
  // Cleaned up whatever happened; the first failure is what the caller hears of.
  Result<std::vector<Result<nlohmann::json>>> finished = qmp.ExecuteAll(finish);
  if (first) return std::unexpected(*first);
  if (!finished) return std::unexpected(finished.error());
  for (const Result<nlohmann::json>& r : *finished) {
    if (!r) return std::unexpected(r.error());
  }
  return {};
}

Status ClearFormatting(qmp::QmpClient& qmp, std::span<const std::string> names) {
  // A create job still running holds its node and cannot be dismissed: it is awaited.
  Result<std::vector<qmp::JobInfo>> jobs = qmp::QueryJobs(qmp);
  if (!jobs) return std::unexpected(jobs.error());
  for (const qmp::JobInfo& job : *jobs) {
    if (job.status == "concluded") continue;
    for (const std::string& name : names) {
      if (job.id != NodeOf(name)) continue;
      Result<qmp::JobInfo> done = qmp::WaitForJobConcluded(qmp, job.id, kCreateTimeout);
      if (!done) return std::unexpected(done.error());
    }
  }
  std::vector<qmp::QmpClient::Command> commands;
  for (const std::string& name : names) {
    commands.push_back(qmp::JobDismissCommand(NodeOf(name)));
    commands.push_back(qmp::BlockdevDelCommand(NodeOf(name)));
  }
  // QEMU refuses each removal of what is not there: the common case, and no error.
  Result<std::vector<Result<nlohmann::json>>> done = qmp.ExecuteAll(commands);
  if (!done) return std::unexpected(done.error());
  return {};
}

}  // namespace cairn::drivers::qemu
