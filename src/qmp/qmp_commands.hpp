// qmp/qmp_commands.hpp — the QMP commands Cairn's qemu driver uses, as typed functions.
//
// Each function builds exactly the JSON shown beside it (QEMU 7.2's schema, checked against
// query-qmp-schema), runs it with QmpClient::Execute() and parses the reply into plain
// structs. Nothing here decides anything: which bitmaps, nodes or jobs to use is the
// driver's business. Errors are Execute()'s (qmp_client.hpp), plus kInternalError
// "malformed reply to 'X': ..." when a reply does not have the documented shape.
// A command whose reply carries nothing to parse also comes as a ...Command() value, so a
// caller can send several in one round trip (QmpClient::ExecuteAll).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cairn/error.hpp"
#include "qmp/qmp_client.hpp"

namespace cairn::qmp {

// ---- transaction ------------------------------------------------------------------------
// All actions of one `transaction` take effect at the same instant, or none does: that is
// what gives every disk of a checkpoint the same point in time, and a backup the same
// instant as the checkpoint it creates.

// {"type": "block-dirty-bitmap-add", "data": {"node", "name", "persistent", "disabled",
// "granularity"?}}. A checkpoint's bitmap is persistent and recording (the defaults here, as
// libvirt sends them); a backup's temporary bitmap is transient and disabled. QEMU writes a
// persistent bitmap into the qcow2 file only when the image is closed (blockdev-del, quit);
// until then the file marks it in use, and a killed QEMU leaves it "inconsistent".
struct BlockDirtyBitmapAdd {
  std::string node;
  std::string name;
  bool persistent = true;
  bool disabled = false;
  std::optional<std::uint64_t> granularity{};  // Default: left to QEMU (the cluster size)
};

// {"type": "block-dirty-bitmap-remove", "data": {"node", "name"}}.
struct BlockDirtyBitmapRemove {
  std::string node;
  std::string name;
};

// One source bitmap of a merge: {"node", "name"}, or the bare name when `node` is empty
// (then QEMU looks for it on the merge's own node).
struct BitmapSource {
  std::string node{};
  std::string name;
};

// {"type": "block-dirty-bitmap-merge", "data": {"node", "target", "bitmaps": [...]}}: ORs
// the sources into bitmap `target` on `node`.
struct BlockDirtyBitmapMerge {
  std::string node;
  std::string target;
  std::vector<BitmapSource> bitmaps;
};

enum class BackupSync {
  kFull,         // "full": every block
  kIncremental,  // "incremental": blocks dirty in `bitmap`
  kNone,         // "none": copy-before-write only (pull mode: the target is a fleecing image)
};

// {"type": "blockdev-backup", "data": {"job-id", "device", "target", "sync", "bitmap"?,
// "speed"?, "auto-finalize"?, "auto-dismiss"?, "x-perf"?}}: a backup job copying node `device`
// into node `target`.
// The job reports through JOB_STATUS_CHANGE and BLOCK_JOB_COMPLETED/CANCELLED events.
struct BlockdevBackup {
  std::string job_id;
  std::string device;
  std::string target;
  BackupSync sync = BackupSync::kFull;
  std::optional<std::string> bitmap{};  // required by kIncremental
  std::optional<std::int64_t> speed{};  // Default: omitted (no limit); bytes per second
  std::optional<bool> auto_finalize{};  // Default: omitted (QEMU: true)
  // Default: omitted (QEMU: true, the job vanishes on completion). Pass false to read a
  // concluded job's error with QueryJobs() before JobDismiss().
  std::optional<bool> auto_dismiss{};
  // "x-perf": {"use-copy-range": ...} (QEMU 6.0+, an unstable "x-" member): copy with
  // copy_file_range() instead of read + write. Default: omitted (QEMU: false).
  std::optional<bool> use_copy_range{};
};

using TransactionAction = std::variant<BlockDirtyBitmapAdd, BlockDirtyBitmapRemove,
                                       BlockDirtyBitmapMerge, BlockdevBackup>;

// {"execute": "transaction", "arguments": {"actions": [...]}}, actions in the given order.
// An empty list succeeds without a round trip. On error QEMU has undone every action; the
// message is "unable to execute QEMU command 'transaction': <why>".
Status Transaction(QmpClient& client, std::span<const TransactionAction> actions);
QmpClient::Command TransactionCommand(std::span<const TransactionAction> actions);

// ---- block nodes ------------------------------------------------------------------------

// One entry of a node's "dirty-bitmaps" (QEMU's BlockDirtyInfo).
struct DirtyBitmapInfo {
  std::string name;
  bool recording = false;         // tracks writes now (qemu-img flag "auto")
  bool busy = false;              // in use by a job (backup, export); cannot be changed
  bool persistent = false;        // stored in the qcow2 file
  bool inconsistent = false;      // left "in-use" by a QEMU that died: unusable (QEMU omits false)
  std::uint64_t granularity = 0;  // bytes per bit
  std::uint64_t count = 0;        // dirty bytes
};

// One node of query-named-block-nodes (QEMU's BlockDeviceInfo, the fields Cairn uses).
struct BlockNodeInfo {
  std::string node_name;  // "node-name"
  std::string driver;     // "drv": "qcow2", "file", ...
  // "file": the image path, or a "json:{...}" pseudo-filename when the node was opened with
  // options that cannot be written as a path (an explicitly given backing node, say).
  std::string file;
  std::optional<std::string> backing_file;     // "backing_file", as recorded in the image
  bool read_only = false;                      // "ro"
  std::uint64_t virtual_size = 0;              // "image"."virtual-size", bytes
  std::vector<DirtyBitmapInfo> dirty_bitmaps;  // QEMU omits the member when there are none

  const DirtyBitmapInfo* FindBitmap(std::string_view name) const;
};

// {"execute": "query-named-block-nodes", "arguments": {"flat": true}}: every block node
// once, without nesting backing chains into each entry.
Result<std::vector<BlockNodeInfo>> QueryNamedBlockNodes(QmpClient& client);
// The parser alone, for a reply obtained otherwise.
Result<std::vector<BlockNodeInfo>> ParseNamedBlockNodes(const nlohmann::json& reply);
const BlockNodeInfo* FindNode(std::span<const BlockNodeInfo> nodes, std::string_view node_name);

// {"execute": "blockdev-add", "arguments": options}: `options` is QEMU's BlockdevOptions as
// is, e.g. {"driver": "qcow2", "node-name": "t0", "file": {"driver": "file", ...}}.
Status BlockdevAdd(QmpClient& client, const nlohmann::json& options);
QmpClient::Command BlockdevAddCommand(nlohmann::json options);

// {"execute": "blockdev-del", "arguments": {"node-name"}}. Closing a qcow2 node stores its
// persistent bitmaps in the file.
Status BlockdevDel(QmpClient& client, std::string_view node_name);
QmpClient::Command BlockdevDelCommand(std::string_view node_name);

// {"execute": "blockdev-create", "arguments": {"job-id", "options"}}: starts a job that
// formats an image (`options` is BlockdevCreateOptions, e.g. {"driver": "qcow2", "file":
// "t0-file", "size": N}). Wait with WaitForJobConcluded(), then JobDismiss(): create jobs are
// never dismissed automatically.
Status BlockdevCreate(QmpClient& client, std::string_view job_id, const nlohmann::json& options);
QmpClient::Command BlockdevCreateCommand(std::string_view job_id, nlohmann::json options);

// ---- jobs -------------------------------------------------------------------------------

// One entry of query-jobs (QEMU's JobInfo).
struct JobInfo {
  std::string id;
  std::string type;    // "backup", "create", "mirror", ...
  std::string status;  // "created", "running", "paused", "ready", "standby", "waiting",
                       // "pending", "aborting", "concluded", "null", "undefined"
  std::int64_t current_progress = 0;  // progress units, not necessarily bytes
  std::int64_t total_progress = 0;
  std::optional<std::string> error;  // set once a job concluded in failure or was cancelled
};
// JobInfo::error of a job that was cancelled, in QEMU's words.
inline constexpr std::string_view kJobCancelledError = "Operation canceled";

// {"execute": "query-jobs"}.
Result<std::vector<JobInfo>> QueryJobs(QmpClient& client);
Result<std::vector<JobInfo>> ParseJobs(const nlohmann::json& reply);

// Waits until job `job_id` is concluded (it must not be auto-dismissed) and returns its final
// state; a failed job is a success here, with `error` set. Looks at query-jobs first, so a
// job that concluded before the call is seen, then waits for JOB_STATUS_CHANGE {"id",
// "status": "concluded"}. Fails with kOperationFailed "no QEMU job 'X'" when there is no such
// job, kOperationTimeout when it does not conclude within `timeout`.
Result<JobInfo> WaitForJobConcluded(QmpClient& client, std::string_view job_id,
                                    std::chrono::milliseconds timeout);

// {"execute": "job-dismiss", "arguments": {"id"}}: forgets a concluded job.
Status JobDismiss(QmpClient& client, std::string_view job_id);
QmpClient::Command JobDismissCommand(std::string_view job_id);

// {"execute": "block-job-cancel", "arguments": {"device": job_id, "force"?}}: how libvirt
// aborts backup jobs. `force` (sent only when true) also cancels a paused job at once.
Status BlockJobCancel(QmpClient& client, std::string_view job_id, bool force = false);
QmpClient::Command BlockJobCancelCommand(std::string_view job_id, bool force = false);

// ---- NBD exports (pull-mode backup) -----------------------------------------------------

// Where the NBD server listens. QMP's legacy socket address form is used because that is
// what nbd-server-start takes: {"type": "unix", "data": {"path"}} or {"type": "inet",
// "data": {"host", "port"}}.
struct NbdServerAddress {
  enum class Kind { kUnix, kInet, kFd };
  Kind kind = Kind::kUnix;
  std::string path;  // kUnix
  std::string host;  // kInet
  std::string port;  // kInet: a number or a service name, as QMP takes it
  std::string fd_name;  // kFd: a listening socket passed before with SendFd (getfd)
  // The id of a tls-creds object (endpoint=server) the server requires of every client.
  // Default: none, plain NBD.
  std::string tls_creds{};

  static NbdServerAddress Unix(std::string path);
  static NbdServerAddress Inet(std::string host, std::string port);
  static NbdServerAddress Fd(std::string fd_name);
};

// {"execute": "nbd-server-start", "arguments": {"addr": {...}, "tls-creds"?}}. One server
// per QEMU.
Status NbdServerStart(QmpClient& client, const NbdServerAddress& address);

// {"execute": "nbd-server-stop"}: also drops every export.
Status NbdServerStop(QmpClient& client);
QmpClient::Command NbdServerStopCommand();

// {"execute": "block-export-add", "arguments": {"type": "nbd", "id", "node-name", "name",
// "writable", "bitmaps"?}}. The bitmaps become NBD contexts "qemu:dirty-bitmap:NAME"; QEMU
// refuses a recording bitmap on a read-only export, so export a disabled copy.
struct BlockExportNbd {
  std::string id;
  std::string node_name;
  std::string name;  // the export name NBD clients ask for
  bool writable = false;
  std::vector<std::string> bitmaps{};  // Default: none; "bitmaps" is sent only when not empty
};
Status BlockExportAdd(QmpClient& client, const BlockExportNbd& export_options);

// {"execute": "block-export-del", "arguments": {"id"}}. The export goes once its clients
// disconnect; QEMU then sends BLOCK_EXPORT_DELETED {"id"}.
Status BlockExportDel(QmpClient& client, std::string_view id);

// ---- the VM -----------------------------------------------------------------------------

// {"execute": "stop"} pauses the vCPUs (event STOP); {"execute": "cont"} resumes (RESUME).
Status Stop(QmpClient& client);
Status Cont(QmpClient& client);

// {"execute": "quit"}: QEMU queues event SHUTDOWN {"guest": false, "reason":
// "host-qmp-quit"}, replies, closes its images (storing persistent bitmaps) and exits. A
// connection that closes instead of replying also counts as success: QEMU went, as asked.
Status Quit(QmpClient& client);

struct VmStatus {
  bool running = false;
  std::string status;  // "running", "paused", "prelaunch", "shutdown", "inmigrate", ...
};
// {"execute": "query-status"}.
Result<VmStatus> QueryStatus(QmpClient& client);

}  // namespace cairn::qmp
