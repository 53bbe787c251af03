#include "qmp/qmp_commands.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <utility>

namespace cairn::qmp {
namespace {

using nlohmann::json;

std::unexpected<Error> Malformed(std::string_view command, std::string_view why) {
  return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
              fmt::format("malformed reply to '{}': {}", command, why));
}

// For commands whose reply carries nothing ({}): success or Execute()'s error.
Status Run(QmpClient& client, std::string_view command, const json& arguments = nullptr) {
  Result<json> reply = client.Execute(command, arguments);
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Status Run(QmpClient& client, const QmpClient::Command& c) {
  return Run(client, c.command, c.arguments);
}

std::string_view SyncName(BackupSync sync) {
  switch (sync) {
    case BackupSync::kFull:
      return "full";
    case BackupSync::kIncremental:
      return "incremental";
    case BackupSync::kNone:
      return "none";
  }
  return "full";
}

json ActionData(const BlockDirtyBitmapAdd& add) {
  json data = {{"node", add.node},
               {"name", add.name},
               {"persistent", add.persistent},
               {"disabled", add.disabled}};
  if (add.granularity) data["granularity"] = *add.granularity;
  return data;
}

json ActionData(const BlockDirtyBitmapRemove& remove) {
  return {{"node", remove.node}, {"name", remove.name}};
}

json ActionData(const BlockDirtyBitmapMerge& merge) {
  json sources = json::array();
  for (const BitmapSource& source : merge.bitmaps) {
    if (source.node.empty()) {
      sources.push_back(source.name);
    } else {
      sources.push_back({{"node", source.node}, {"name", source.name}});
    }
  }
  return {{"node", merge.node}, {"target", merge.target}, {"bitmaps", std::move(sources)}};
}

json ActionData(const BlockdevBackup& backup) {
  json data = {{"job-id", backup.job_id},
               {"device", backup.device},
               {"target", backup.target},
               {"sync", SyncName(backup.sync)}};
  if (backup.bitmap) data["bitmap"] = *backup.bitmap;
  if (backup.speed) data["speed"] = *backup.speed;
  if (backup.auto_finalize) data["auto-finalize"] = *backup.auto_finalize;
  if (backup.auto_dismiss) data["auto-dismiss"] = *backup.auto_dismiss;
  if (backup.use_copy_range) data["x-perf"] = {{"use-copy-range", *backup.use_copy_range}};
  return data;
}

std::string_view ActionType(const TransactionAction& action) {
  return std::visit(
      [](const auto& a) -> std::string_view {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, BlockDirtyBitmapAdd>) return "block-dirty-bitmap-add";
        if constexpr (std::is_same_v<T, BlockDirtyBitmapRemove>) {
          return "block-dirty-bitmap-remove";
        }
        if constexpr (std::is_same_v<T, BlockDirtyBitmapMerge>) {
          return "block-dirty-bitmap-merge";
        }
        if constexpr (std::is_same_v<T, BlockdevBackup>) return "blockdev-backup";
      },
      action);
}

// Optional members are read only when present; present ones must have the right type, or
// nlohmann throws and the parser reports a malformed reply.
template <typename T>
void ReadIfPresent(const json& object, const char* key, T& out) {
  if (auto it = object.find(key); it != object.end()) out = it->get<T>();
}

DirtyBitmapInfo ParseBitmap(const json& entry) {
  DirtyBitmapInfo bitmap;
  ReadIfPresent(entry, "name", bitmap.name);  // anonymous bitmaps have none
  bitmap.recording = entry.at("recording").get<bool>();
  bitmap.busy = entry.at("busy").get<bool>();
  bitmap.persistent = entry.at("persistent").get<bool>();
  ReadIfPresent(entry, "inconsistent", bitmap.inconsistent);
  bitmap.granularity = entry.at("granularity").get<std::uint64_t>();
  bitmap.count = entry.at("count").get<std::uint64_t>();
  return bitmap;
}

BlockNodeInfo ParseNode(const json& entry) {
  BlockNodeInfo node;
  ReadIfPresent(entry, "node-name", node.node_name);
  node.driver = entry.at("drv").get<std::string>();
  node.file = entry.at("file").get<std::string>();
  if (auto backing = entry.find("backing_file"); backing != entry.end()) {
    node.backing_file = backing->get<std::string>();
  }
  node.read_only = entry.at("ro").get<bool>();
  node.virtual_size = entry.at("image").at("virtual-size").get<std::uint64_t>();
  if (auto bitmaps = entry.find("dirty-bitmaps"); bitmaps != entry.end()) {
    for (const json& bitmap : bitmaps->get_ref<const json::array_t&>()) {
      node.dirty_bitmaps.push_back(ParseBitmap(bitmap));
    }
  }
  return node;
}

JobInfo ParseJob(const json& entry) {
  JobInfo job;
  job.id = entry.at("id").get<std::string>();
  job.type = entry.at("type").get<std::string>();
  job.status = entry.at("status").get<std::string>();
  job.current_progress = entry.at("current-progress").get<std::int64_t>();
  job.total_progress = entry.at("total-progress").get<std::int64_t>();
  if (auto error = entry.find("error"); error != entry.end()) {
    job.error = error->get<std::string>();
  }
  return job;
}

// Runs `parse` on each element of the array `reply`; nlohmann's type errors end here.
template <typename T, typename Parse>
Result<std::vector<T>> ParseArray(const json& reply, std::string_view command, Parse parse) {
  if (!reply.is_array()) return Malformed(command, "not an array");
  std::vector<T> items;
  items.reserve(reply.size());
  try {
    for (const json& entry : reply) items.push_back(parse(entry));
  } catch (const json::exception& e) {
    return Malformed(command, e.what());
  }
  return items;
}

Result<std::optional<JobInfo>> FindJob(QmpClient& client, std::string_view job_id) {
  Result<std::vector<JobInfo>> jobs = QueryJobs(client);
  if (!jobs) return std::unexpected(jobs.error());
  auto it = std::find_if(jobs->begin(), jobs->end(),
                         [&](const JobInfo& job) { return job.id == job_id; });
  if (it == jobs->end()) return std::optional<JobInfo>();
  return std::optional<JobInfo>(std::move(*it));
}

bool IsString(const json& object, const char* key, std::string_view value) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() && it->get_ref<const std::string&>() == value;
}

}  // namespace

QmpClient::Command TransactionCommand(std::span<const TransactionAction> actions) {
  json list = json::array();
  for (const TransactionAction& action : actions) {
    json data = std::visit([](const auto& a) { return ActionData(a); }, action);
    list.push_back({{"type", ActionType(action)}, {"data", std::move(data)}});
  }
  return {"transaction", {{"actions", std::move(list)}}};
}

Status Transaction(QmpClient& client, std::span<const TransactionAction> actions) {
  if (actions.empty()) return {};
  return Run(client, TransactionCommand(actions));
}

const DirtyBitmapInfo* BlockNodeInfo::FindBitmap(std::string_view name) const {
  auto it = std::find_if(dirty_bitmaps.begin(), dirty_bitmaps.end(),
                         [&](const DirtyBitmapInfo& bitmap) { return bitmap.name == name; });
  return it == dirty_bitmaps.end() ? nullptr : &*it;
}

Result<std::vector<BlockNodeInfo>> ParseNamedBlockNodes(const json& reply) {
  return ParseArray<BlockNodeInfo>(reply, "query-named-block-nodes", ParseNode);
}

Result<std::vector<BlockNodeInfo>> QueryNamedBlockNodes(QmpClient& client) {
  Result<json> reply = client.Execute("query-named-block-nodes", {{"flat", true}});
  if (!reply) return std::unexpected(reply.error());
  return ParseNamedBlockNodes(*reply);
}

const BlockNodeInfo* FindNode(std::span<const BlockNodeInfo> nodes, std::string_view node_name) {
  auto it = std::find_if(nodes.begin(), nodes.end(),
                         [&](const BlockNodeInfo& node) { return node.node_name == node_name; });
  return it == nodes.end() ? nullptr : &*it;
}

QmpClient::Command BlockdevAddCommand(json options) { return {"blockdev-add", std::move(options)}; }

Status BlockdevAdd(QmpClient& client, const json& options) {
  return Run(client, BlockdevAddCommand(options));
}

QmpClient::Command BlockdevDelCommand(std::string_view node_name) {
  return {"blockdev-del", {{"node-name", node_name}}};
}

Status BlockdevDel(QmpClient& client, std::string_view node_name) {
  return Run(client, BlockdevDelCommand(node_name));
}

QmpClient::Command BlockdevCreateCommand(std::string_view job_id, json options) {
  return {"blockdev-create", {{"job-id", job_id}, {"options", std::move(options)}}};
}

Status BlockdevCreate(QmpClient& client, std::string_view job_id, const json& options) {
  return Run(client, BlockdevCreateCommand(job_id, options));
}

Result<std::vector<JobInfo>> ParseJobs(const json& reply) {
  return ParseArray<JobInfo>(reply, "query-jobs", ParseJob);
}

Result<std::vector<JobInfo>> QueryJobs(QmpClient& client) {
  Result<json> reply = client.Execute("query-jobs");
  if (!reply) return std::unexpected(reply.error());
  return ParseJobs(*reply);
}

Result<JobInfo> WaitForJobConcluded(QmpClient& client, std::string_view job_id,
                                    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto missing = [&] {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kQemu,
                fmt::format("no QEMU job '{}'", job_id));
  };
  Result<std::optional<JobInfo>> job = FindJob(client, job_id);
  if (!job) return std::unexpected(job.error());
  if (!*job) return missing();
  if ((*job)->status == "concluded") return std::move(**job);

  auto left = std::max(
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()),
      std::chrono::milliseconds(0));
  Result<Event> concluded = client.WaitForEvent(
      fmt::format("JOB_STATUS_CHANGE concluded for job '{}'", job_id),
      [&](const Event& event) {
        return event.name == "JOB_STATUS_CHANGE" && IsString(event.data, "id", job_id) &&
               IsString(event.data, "status", "concluded");
      },
      left);
  if (!concluded) return std::unexpected(concluded.error());
  // The event says when; query-jobs says how (progress, error).
  job = FindJob(client, job_id);
  if (!job) return std::unexpected(job.error());
  if (!*job) return missing();
  return std::move(**job);
}

QmpClient::Command JobDismissCommand(std::string_view job_id) {
  return {"job-dismiss", {{"id", job_id}}};
}

Status JobDismiss(QmpClient& client, std::string_view job_id) {
  return Run(client, JobDismissCommand(job_id));
}

QmpClient::Command BlockJobCancelCommand(std::string_view job_id, bool force) {
  json arguments = {{"device", job_id}};
  if (force) arguments["force"] = true;
  return {"block-job-cancel", std::move(arguments)};
}

Status BlockJobCancel(QmpClient& client, std::string_view job_id, bool force) {
  return Run(client, BlockJobCancelCommand(job_id, force));
}

NbdServerAddress NbdServerAddress::Unix(std::string path) {
  NbdServerAddress address;
  address.kind = Kind::kUnix;
  address.path = std::move(path);
  return address;
}

NbdServerAddress NbdServerAddress::Inet(std::string host, std::string port) {
  NbdServerAddress address;
  address.kind = Kind::kInet;
  address.host = std::move(host);
  address.port = std::move(port);
  return address;
}

NbdServerAddress NbdServerAddress::Fd(std::string fd_name) {
  NbdServerAddress address;
  address.kind = Kind::kFd;
  address.fd_name = std::move(fd_name);
  return address;
}

Status NbdServerStart(QmpClient& client, const NbdServerAddress& address) {
  json addr =
      address.kind == NbdServerAddress::Kind::kUnix
          ? json{{"type", "unix"}, {"data", {{"path", address.path}}}}
      : address.kind == NbdServerAddress::Kind::kFd
          ? json{{"type", "fd"}, {"data", {{"str", address.fd_name}}}}
          : json{{"type", "inet"}, {"data", {{"host", address.host}, {"port", address.port}}}};
  json arguments = {{"addr", std::move(addr)}};
  if (!address.tls_creds.empty()) arguments["tls-creds"] = address.tls_creds;
  return Run(client, "nbd-server-start", arguments);
}

QmpClient::Command NbdServerStopCommand() { return {"nbd-server-stop"}; }

Status NbdServerStop(QmpClient& client) { return Run(client, NbdServerStopCommand()); }

Status BlockExportAdd(QmpClient& client, const BlockExportNbd& export_options) {
  json arguments = {{"type", "nbd"},
                    {"id", export_options.id},
                    {"node-name", export_options.node_name},
                    {"name", export_options.name},
                    {"writable", export_options.writable}};
  if (!export_options.bitmaps.empty()) arguments["bitmaps"] = export_options.bitmaps;
  return Run(client, "block-export-add", arguments);
}

Status BlockExportDel(QmpClient& client, std::string_view id) {
  return Run(client, "block-export-del", {{"id", id}});
}

Status Stop(QmpClient& client) { return Run(client, "stop"); }

Status Cont(QmpClient& client) { return Run(client, "cont"); }

Status Quit(QmpClient& client) {
  Status quit = Run(client, "quit");
  if (!quit && quit.error().code() == ErrorCode::kOperationFailed && client.closed()) return {};
  return quit;
}

Result<VmStatus> QueryStatus(QmpClient& client) {
  Result<json> reply = client.Execute("query-status");
  if (!reply) return std::unexpected(reply.error());
  try {
    return VmStatus{.running = reply->at("running").get<bool>(),
                    .status = reply->at("status").get<std::string>()};
  } catch (const json::exception& e) {
    return Malformed("query-status", e.what());
  }
}

}  // namespace cairn::qmp
