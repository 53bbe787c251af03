#include "qmp/qmp_commands.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fake_qmp_peer.hpp"

namespace cairn::qmp {
namespace {

using nlohmann::json;
using test::FakeQmpPeer;
using test::QmpScript;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::literals;

// A connected client and the peer playing `script` after the handshake.
struct Session {
  std::unique_ptr<FakeQmpPeer> peer;
  std::optional<QmpClient> client;
};

Session Open(QmpScript script) {
  Session session;
  session.peer = FakeQmpPeer::Start(std::move(script));
  EXPECT_NE(session.peer, nullptr);
  if (!session.peer) return session;
  Result<QmpClient> client = QmpClient::Connect(session.peer->socket_path(), 5s);
  EXPECT_TRUE(client.has_value()) << client.error().Text();
  if (client) session.client.emplace(std::move(*client));
  return session;
}

std::string ReadTestData(const std::string& name) {
  std::ifstream in(std::string(CAIRN_SOURCE_DIR) + "/tests/unit/qmp/data/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- transactions ----------------------------------------------------------------------

TEST(QmpTransaction, TwoDiskCheckpointIsTheTransactionLibvirtSends) {
  // libvirt's checkpoint create (reference 6.3): one action per disk on its top node, named
  // after the checkpoint, persistent and recording, granularity left to QEMU.
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({
    "execute": "transaction",
    "arguments": {"actions": [
      {"type": "block-dirty-bitmap-add",
       "data": {"node": "libvirt-1-format", "name": "c1", "persistent": true, "disabled": false}},
      {"type": "block-dirty-bitmap-add",
       "data": {"node": "libvirt-2-format", "name": "c1", "persistent": true, "disabled": false}}
    ]}})"))
                       .Reply());
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "libvirt-1-format", .name = "c1"},
      BlockDirtyBitmapAdd{.node = "libvirt-2-format", .name = "c1"},
  };

  Status done = Transaction(*s.client, actions);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, CheckpointDeleteRemovesTheBitmapFromEachLayer) {
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({
    "execute": "transaction",
    "arguments": {"actions": [
      {"type": "block-dirty-bitmap-remove", "data": {"node": "libvirt-1-format", "name": "c1"}},
      {"type": "block-dirty-bitmap-remove", "data": {"node": "libvirt-2-format", "name": "c1"}}
    ]}})"))
                       .Reply());
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapRemove{.node = "libvirt-1-format", .name = "c1"},
      BlockDirtyBitmapRemove{.node = "libvirt-2-format", .name = "c1"},
  };

  Status done = Transaction(*s.client, actions);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, MergeIntoATransientDisabledBitmapAcrossLayers) {
  // The shape of libvirt's SIZE computation and backup merge (reference 6.5, 6.6).
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({
    "execute": "transaction",
    "arguments": {"actions": [
      {"type": "block-dirty-bitmap-add",
       "data": {"node": "libvirt-1-format", "name": "libvirt-tmp-size-xml",
                "persistent": false, "disabled": true, "granularity": 65536}},
      {"type": "block-dirty-bitmap-merge",
       "data": {"node": "libvirt-1-format", "target": "libvirt-tmp-size-xml",
                "bitmaps": [{"node": "libvirt-1-format", "name": "c1"},
                            {"node": "libvirt-2-format", "name": "c1"}]}}
    ]}})"))
                       .Reply());
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "libvirt-1-format",
                          .name = "libvirt-tmp-size-xml",
                          .persistent = false,
                          .disabled = true,
                          .granularity = 65536},
      BlockDirtyBitmapMerge{.node = "libvirt-1-format",
                            .target = "libvirt-tmp-size-xml",
                            .bitmaps = {{.node = "libvirt-1-format", .name = "c1"},
                                        {.node = "libvirt-2-format", .name = "c1"}}},
  };

  Status done = Transaction(*s.client, actions);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, MergeSourceWithoutNodeIsSentAsABareName) {
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({
    "execute": "transaction",
    "arguments": {"actions": [
      {"type": "block-dirty-bitmap-merge",
       "data": {"node": "disk0", "target": "c1", "bitmaps": ["c2"]}}
    ]}})"))
                       .Reply());
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapMerge{.node = "disk0", .target = "c1", .bitmaps = {{.name = "c2"}}}};

  Status done = Transaction(*s.client, actions);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, IncrementalPushBackupAndNewCheckpointShareOneTransaction) {
  // Backup begin with a checkpoint (reference 6.8): the new checkpoint's bitmap, the
  // temporary bitmap made from the old checkpoint, and the job, at one instant.
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({
    "execute": "transaction",
    "arguments": {"actions": [
      {"type": "block-dirty-bitmap-add",
       "data": {"node": "disk-vda", "name": "c2", "persistent": true, "disabled": false}},
      {"type": "block-dirty-bitmap-add",
       "data": {"node": "disk-vda", "name": "backup-vda", "persistent": false,
                "disabled": true, "granularity": 65536}},
      {"type": "block-dirty-bitmap-merge",
       "data": {"node": "disk-vda", "target": "backup-vda",
                "bitmaps": [{"node": "disk-vda", "name": "c1"}]}},
      {"type": "blockdev-backup",
       "data": {"job-id": "backup-vda-disk-vda", "device": "disk-vda", "target": "store-vda",
                "sync": "incremental", "bitmap": "backup-vda", "auto-dismiss": false}}
    ]}})"))
                       .Reply());
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "disk-vda", .name = "c2"},
      BlockDirtyBitmapAdd{.node = "disk-vda",
                          .name = "backup-vda",
                          .persistent = false,
                          .disabled = true,
                          .granularity = 65536},
      BlockDirtyBitmapMerge{.node = "disk-vda",
                            .target = "backup-vda",
                            .bitmaps = {{.node = "disk-vda", .name = "c1"}}},
      BlockdevBackup{.job_id = "backup-vda-disk-vda",
                     .device = "disk-vda",
                     .target = "store-vda",
                     .sync = BackupSync::kIncremental,
                     .bitmap = "backup-vda",
                     .auto_dismiss = false},
  };

  Status done = Transaction(*s.client, actions);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, FullAndPullBackupsSendOnlyWhatIsSet) {
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({
    "execute": "transaction",
    "arguments": {"actions": [
      {"type": "blockdev-backup",
       "data": {"job-id": "j1", "device": "disk-vda", "target": "t1", "sync": "full"}},
      {"type": "blockdev-backup",
       "data": {"job-id": "j2", "device": "disk-vdb", "target": "scratch-vdb", "sync": "none",
                "auto-finalize": true}}
    ]}})"))
                       .Reply());
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockdevBackup{.job_id = "j1", .device = "disk-vda", .target = "t1"},
      BlockdevBackup{.job_id = "j2",
                     .device = "disk-vdb",
                     .target = "scratch-vdb",
                     .sync = BackupSync::kNone,
                     .auto_finalize = true},
  };

  Status done = Transaction(*s.client, actions);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, BackupWithCopyRangeSendsItInXPerf) {
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({
    "execute": "transaction",
    "arguments": {"actions": [
      {"type": "blockdev-backup",
       "data": {"job-id": "j1", "device": "disk-vda", "target": "t1", "sync": "full",
                "x-perf": {"use-copy-range": true}}}
    ]}})"))
                       .Reply());
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockdevBackup{.job_id = "j1", .device = "disk-vda", .target = "t1", .use_copy_range = true},
  };

  Status done = Transaction(*s.client, actions);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, EmptyTransactionSendsNothing) {
  Session s = Open(QmpScript().Handshake());
  ASSERT_TRUE(s.client);

  Status done = Transaction(*s.client, {});

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpTransaction, RefusedTransactionReportsQemusReason) {
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect(json::parse(R"({"execute": "transaction", "arguments": {"actions": [
                         {"type": "block-dirty-bitmap-add", "data": {"node": "disk0",
                          "name": "c1", "persistent": true, "disabled": false}}]}})"))
                       .ReplyError("GenericError", "Bitmap already exists: c1"));
  ASSERT_TRUE(s.client);
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "disk0", .name = "c1"}};

  Status done = Transaction(*s.client, actions);

  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code(), ErrorCode::kInternalError);
  EXPECT_EQ(done.error().detail(),
            "unable to execute QEMU command 'transaction': Bitmap already exists: c1");
}

// ---- query-named-block-nodes -----------------------------------------------------------

TEST(QmpBlockNodes, CapturedQemu72ReplyIsParsed) {
  // data/query-named-block-nodes-qemu-7.2.json is QEMU 7.2.22's reply for a qcow2 overlay
  // ("top-format", bitmaps c1, c2 at 128 KiB granularity and a transient disabled tmp-size,
  // after 192 KiB were written) over a read-only base ("base-format") whose bitmap c1 was
  // left in use by a killed QEMU.
  const json captured = json::parse(ReadTestData("query-named-block-nodes-qemu-7.2.json"));
  Session s =
      Open(QmpScript()
               .Handshake()
               .Expect({{"execute", "query-named-block-nodes"}, {"arguments", {{"flat", true}}}})
               .Reply(captured));
  ASSERT_TRUE(s.client);

  Result<std::vector<BlockNodeInfo>> nodes = QueryNamedBlockNodes(*s.client);

  ASSERT_TRUE(nodes.has_value()) << nodes.error().Text();
  ASSERT_EQ(nodes->size(), 4u);
  const BlockNodeInfo* top = FindNode(*nodes, "top-format");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->driver, "qcow2");
  EXPECT_FALSE(top->read_only);
  EXPECT_EQ(top->virtual_size, 16u * 1024 * 1024);
  EXPECT_EQ(top->backing_file, "/tmp/qmpx/base.qcow2");
  EXPECT_THAT(top->file, ::testing::StartsWith("json:{"));
  ASSERT_EQ(top->dirty_bitmaps.size(), 3u);
  const DirtyBitmapInfo* c2 = top->FindBitmap("c2");
  ASSERT_NE(c2, nullptr);
  EXPECT_TRUE(c2->recording);
  EXPECT_TRUE(c2->persistent);
  EXPECT_FALSE(c2->busy);
  EXPECT_FALSE(c2->inconsistent);
  EXPECT_EQ(c2->granularity, 131072u);
  EXPECT_EQ(c2->count, 262144u);  // 192 KiB written, counted in whole 128 KiB chunks
  const DirtyBitmapInfo* tmp = top->FindBitmap("tmp-size");
  ASSERT_NE(tmp, nullptr);
  EXPECT_FALSE(tmp->recording);
  EXPECT_FALSE(tmp->persistent);
  EXPECT_EQ(tmp->count, 196608u);

  const BlockNodeInfo* base = FindNode(*nodes, "base-format");
  ASSERT_NE(base, nullptr);
  EXPECT_TRUE(base->read_only);
  EXPECT_EQ(base->file, "/tmp/qmpx/base.qcow2");
  ASSERT_EQ(base->dirty_bitmaps.size(), 1u);
  EXPECT_TRUE(base->dirty_bitmaps[0].inconsistent);
  EXPECT_FALSE(base->dirty_bitmaps[0].recording);

  const BlockNodeInfo* base_file = FindNode(*nodes, "base-file");
  ASSERT_NE(base_file, nullptr);
  EXPECT_EQ(base_file->driver, "file");
  EXPECT_THAT(base_file->dirty_bitmaps, IsEmpty());
  EXPECT_EQ(base_file->FindBitmap("c1"), nullptr);
  EXPECT_EQ(FindNode(*nodes, "nope"), nullptr);
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpBlockNodes, MalformedReplyIsInternalErrorNamingTheCommand) {
  const json reply = json::parse(R"([{"node-name": "disk0", "drv": "qcow2", "file": "/d.qcow2",
      "ro": false, "image": {"virtual-size": 1048576},
      "dirty-bitmaps": [{"name": "c1", "recording": true, "busy": false, "persistent": true,
                         "granularity": 65536, "count": "many"}]}])");

  Result<std::vector<BlockNodeInfo>> nodes = ParseNamedBlockNodes(reply);

  ASSERT_FALSE(nodes.has_value());
  EXPECT_EQ(nodes.error().code(), ErrorCode::kInternalError);
  EXPECT_THAT(nodes.error().detail(), HasSubstr("malformed reply to 'query-named-block-nodes': "));
}

TEST(QmpBlockNodes, ReplyThatIsNotAnArrayIsMalformed) {
  Result<std::vector<BlockNodeInfo>> nodes = ParseNamedBlockNodes(json::object());

  ASSERT_FALSE(nodes.has_value());
  EXPECT_EQ(nodes.error().detail(), "malformed reply to 'query-named-block-nodes': not an array");
}

// ---- jobs ------------------------------------------------------------------------------

const char* const kRunningJob = R"([{"current-progress": 1024, "status": "running",
    "total-progress": 67108864, "type": "backup", "id": "bk0"}])";
const char* const kFailedJob = R"([{"current-progress": 1024, "status": "concluded",
    "total-progress": 67108864, "type": "backup", "id": "bk0",
    "error": "No space left on device"}])";

TEST(QmpJobs, QueryJobsParsesProgressAndError) {
  Session s = Open(
      QmpScript().Handshake().Expect({{"execute", "query-jobs"}}).Reply(json::parse(kFailedJob)));
  ASSERT_TRUE(s.client);

  Result<std::vector<JobInfo>> jobs = QueryJobs(*s.client);

  ASSERT_TRUE(jobs.has_value()) << jobs.error().Text();
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ((*jobs)[0].id, "bk0");
  EXPECT_EQ((*jobs)[0].type, "backup");
  EXPECT_EQ((*jobs)[0].status, "concluded");
  EXPECT_EQ((*jobs)[0].current_progress, 1024);
  EXPECT_EQ((*jobs)[0].total_progress, 67108864);
  EXPECT_EQ((*jobs)[0].error, "No space left on device");
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpJobs, WaitForJobConcludedWaitsForItsEventThenQueriesIt) {
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect({{"execute", "query-jobs"}})
                       .Reply(json::parse(kRunningJob))
                       .Pause(50ms)
                       .Event("JOB_STATUS_CHANGE", {{"id", "other"}, {"status", "concluded"}})
                       .Event("JOB_STATUS_CHANGE", {{"id", "bk0"}, {"status", "concluded"}})
                       .Expect({{"execute", "query-jobs"}})
                       .Reply(json::parse(kFailedJob)));
  ASSERT_TRUE(s.client);

  Result<JobInfo> job = WaitForJobConcluded(*s.client, "bk0", 5s);

  ASSERT_TRUE(job.has_value()) << job.error().Text();
  EXPECT_EQ(job->status, "concluded");
  EXPECT_EQ(job->error, "No space left on device");
  std::vector<Event> rest = s.client->TakeEvents();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].data.at("id"), "other");
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpJobs, WaitForJobConcludedReturnsAJobThatAlreadyConcluded) {
  Session s = Open(
      QmpScript().Handshake().Expect({{"execute", "query-jobs"}}).Reply(json::parse(kFailedJob)));
  ASSERT_TRUE(s.client);

  Result<JobInfo> job = WaitForJobConcluded(*s.client, "bk0", 5s);

  ASSERT_TRUE(job.has_value()) << job.error().Text();
  EXPECT_EQ(job->status, "concluded");
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

TEST(QmpJobs, WaitForJobConcludedWithoutSuchJobFails) {
  Session s =
      Open(QmpScript().Handshake().Expect({{"execute", "query-jobs"}}).Reply(json::array()));
  ASSERT_TRUE(s.client);

  Result<JobInfo> job = WaitForJobConcluded(*s.client, "bk9", 5s);

  ASSERT_FALSE(job.has_value());
  EXPECT_EQ(job.error().code(), ErrorCode::kOperationFailed);
  EXPECT_EQ(job.error().detail(), "no QEMU job 'bk9'");
}

TEST(QmpJobs, WaitForJobConcludedTimesOut) {
  Session s = Open(
      QmpScript().Handshake().Expect({{"execute", "query-jobs"}}).Reply(json::parse(kRunningJob)));
  ASSERT_TRUE(s.client);

  Result<JobInfo> job = WaitForJobConcluded(*s.client, "bk0", 100ms);

  ASSERT_FALSE(job.has_value());
  EXPECT_EQ(job.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_THAT(job.error().detail(), HasSubstr("JOB_STATUS_CHANGE concluded for job 'bk0'"));
}

// ---- the other commands: exact JSON out, success back ----------------------------------

struct CommandCase {
  const char* name;
  std::function<Status(QmpClient&)> run;
  const char* expected;  // the command as the peer must receive it, without "id"
};

void PrintTo(const CommandCase& c, std::ostream* os) { *os << c.name; }

class QmpCommand : public ::testing::TestWithParam<CommandCase> {};

TEST_P(QmpCommand, SendsExactlyTheDocumentedJson) {
  const CommandCase& c = GetParam();
  Session s = Open(QmpScript().Handshake().Expect(json::parse(c.expected)).Reply());
  ASSERT_TRUE(s.client);

  Status done = c.run(*s.client);

  EXPECT_TRUE(done.has_value()) << done.error().Text();
  EXPECT_THAT(s.peer->Finish(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    All, QmpCommand,
    ::testing::Values(
        CommandCase{"BlockdevAdd",
                    [](QmpClient& c) {
                      return BlockdevAdd(c, {{"driver", "qcow2"},
                                             {"node-name", "store-vda"},
                                             {"file", "store-vda-file"}});
                    },
                    R"({"execute": "blockdev-add", "arguments": {"driver": "qcow2",
                        "node-name": "store-vda", "file": "store-vda-file"}})"},
        CommandCase{"BlockdevDel", [](QmpClient& c) { return BlockdevDel(c, "store-vda"); },
                    R"({"execute": "blockdev-del", "arguments": {"node-name": "store-vda"}})"},
        CommandCase{"BlockdevCreate",
                    [](QmpClient& c) {
                      return BlockdevCreate(
                          c, "create-vda",
                          {{"driver", "qcow2"}, {"file", "store-vda-file"}, {"size", 1073741824}});
                    },
                    R"({"execute": "blockdev-create", "arguments": {"job-id": "create-vda",
                        "options": {"driver": "qcow2", "file": "store-vda-file",
                                    "size": 1073741824}}})"},
        CommandCase{"JobDismiss", [](QmpClient& c) { return JobDismiss(c, "bk0"); },
                    R"({"execute": "job-dismiss", "arguments": {"id": "bk0"}})"},
        CommandCase{"BlockJobCancel", [](QmpClient& c) { return BlockJobCancel(c, "bk0"); },
                    R"({"execute": "block-job-cancel", "arguments": {"device": "bk0"}})"},
        CommandCase{"BlockJobCancelForced",
                    [](QmpClient& c) { return BlockJobCancel(c, "bk0", /*force=*/true); },
                    R"({"execute": "block-job-cancel",
                        "arguments": {"device": "bk0", "force": true}})"},
        CommandCase{"NbdServerStartUnix",
                    [](QmpClient& c) {
                      return NbdServerStart(c, NbdServerAddress::Unix("/run/vm1/nbd.sock"));
                    },
                    R"({"execute": "nbd-server-start", "arguments": {"addr": {"type": "unix",
                        "data": {"path": "/run/vm1/nbd.sock"}}}})"},
        CommandCase{"NbdServerStartInet",
                    [](QmpClient& c) {
                      return NbdServerStart(c, NbdServerAddress::Inet("localhost", "10809"));
                    },
                    R"({"execute": "nbd-server-start", "arguments": {"addr": {"type": "inet",
                        "data": {"host": "localhost", "port": "10809"}}}})"},
        CommandCase{"NbdServerStartInetWithTls",
                    [](QmpClient& c) {
                      NbdServerAddress a = NbdServerAddress::Inet("localhost", "10809");
                      a.tls_creds = "cairn_backup_tls";
                      return NbdServerStart(c, a);
                    },
                    R"({"execute": "nbd-server-start", "arguments": {"addr": {"type": "inet",
                        "data": {"host": "localhost", "port": "10809"}},
                        "tls-creds": "cairn_backup_tls"}})"},
        CommandCase{"NbdServerStartPassedFd",
                    [](QmpClient& c) {
                      return NbdServerStart(c, NbdServerAddress::Fd("cairn-backup-nbd"));
                    },
                    R"({"execute": "nbd-server-start", "arguments": {"addr": {"type": "fd",
                        "data": {"str": "cairn-backup-nbd"}}}})"},
        CommandCase{"NbdServerStop", [](QmpClient& c) { return NbdServerStop(c); },
                    R"({"execute": "nbd-server-stop"})"},
        CommandCase{"BlockExportAddWithBitmap",
                    [](QmpClient& c) {
                      return BlockExportAdd(c, {.id = "libvirt-nbd-scratch-vda",
                                                .node_name = "scratch-vda",
                                                .name = "vda",
                                                .bitmaps = {"backup-vda"}});
                    },
                    R"({"execute": "block-export-add", "arguments": {"type": "nbd",
                        "id": "libvirt-nbd-scratch-vda", "node-name": "scratch-vda",
                        "name": "vda", "writable": false, "bitmaps": ["backup-vda"]}})"},
        CommandCase{"BlockExportAddWithoutBitmap",
                    [](QmpClient& c) {
                      return BlockExportAdd(
                          c, {.id = "e0", .node_name = "scratch-vda", .name = "vda"});
                    },
                    R"({"execute": "block-export-add", "arguments": {"type": "nbd",
                        "id": "e0", "node-name": "scratch-vda", "name": "vda",
                        "writable": false}})"},
        CommandCase{"BlockExportDel", [](QmpClient& c) { return BlockExportDel(c, "e0"); },
                    R"({"execute": "block-export-del", "arguments": {"id": "e0"}})"},
        CommandCase{"Stop", [](QmpClient& c) { return Stop(c); }, R"({"execute": "stop"})"},
        CommandCase{"Cont", [](QmpClient& c) { return Cont(c); }, R"({"execute": "cont"})"},
        CommandCase{"Quit", [](QmpClient& c) { return Quit(c); }, R"({"execute": "quit"})"}),
    [](const ::testing::TestParamInfo<CommandCase>& info) { return info.param.name; });

TEST(QmpVm, QueryStatusParsesTheRunState) {
  Session s = Open(QmpScript()
                       .Handshake()
                       .Expect({{"execute", "query-status"}})
                       .Reply({{"status", "paused"}, {"singlestep", false}, {"running", false}}));
  ASSERT_TRUE(s.client);

  Result<VmStatus> status = QueryStatus(*s.client);

  ASSERT_TRUE(status.has_value()) << status.error().Text();
  EXPECT_FALSE(status->running);
  EXPECT_EQ(status->status, "paused");
}

TEST(QmpVm, QuitSucceedsWhenQemuExitsWithoutReplying) {
  Session s = Open(QmpScript().Handshake().Expect({{"execute", "quit"}}).Close());
  ASSERT_TRUE(s.client);

  Status quit = Quit(*s.client);

  EXPECT_TRUE(quit.has_value()) << quit.error().Text();
  EXPECT_TRUE(s.client->closed());
}

}  // namespace
}  // namespace cairn::qmp
