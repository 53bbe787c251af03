// QmpClient and the typed commands against a real qemu-system-x86_64: no guest, TCG, one
// qcow2 disk as node "disk0" (file node "disk0-file"). Skipped when QEMU is not installed.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "qmp/qmp_client.hpp"
#include "qmp/qmp_commands.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"
#include "util/unique_fd.hpp"

namespace cairn::qmp {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::literals;

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((std::filesystem::path(dir) / program).c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

// Bitmaps recorded in a qcow2 file, as `qemu-img info` shows them: name -> flags.
std::map<std::string, std::vector<std::string>> ImageBitmaps(const std::filesystem::path& image) {
  // -U: the image may be open in QEMU; we only look.
  Result<util::CommandOutput> info =
      util::RunCommand({"qemu-img", "info", "-U", "--output=json", image.string()});
  EXPECT_TRUE(info.has_value() && info->status.Success());
  std::map<std::string, std::vector<std::string>> bitmaps;
  if (!info || !info->status.Success()) return bitmaps;
  json data = json::parse(info->out).value("format-specific", json::object());
  for (const json& bitmap : data.value("data", json::object()).value("bitmaps", json::array())) {
    bitmaps[bitmap.at("name")] = bitmap.at("flags").get<std::vector<std::string>>();
  }
  return bitmaps;
}

class RealQemu : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OnPath("qemu-system-x86_64") || !OnPath("qemu-img")) {
      GTEST_SKIP() << "qemu-system-x86_64 or qemu-img is not installed (Debian: qemu-system-x86, "
                      "qemu-utils); the real-QEMU QMP tests need them";
    }
    Result<util::TempDir> dir = util::TempDir::Create("cairn-qmp-qemu");
    ASSERT_TRUE(dir.has_value()) << dir.error().Text();
    dir_.emplace(std::move(*dir));
    image_ = dir_->path() / "disk0.qcow2";
    ASSERT_NO_FATAL_FAILURE(
        Run({"qemu-img", "create", "-q", "-f", "qcow2", image_.string(), "16M"}));
    ASSERT_NO_FATAL_FAILURE(StartQemu());
  }

  void Run(const std::vector<std::string>& argv) {
    Result<util::CommandOutput> out = util::RunCommand(argv);
    ASSERT_TRUE(out.has_value()) << out.error().Text();
    ASSERT_TRUE(out->status.Success()) << argv[0] << ": " << out->err;
  }

  // Starts QEMU (again) on the same image and connects client_.
  void StartQemu() {
    client_.reset();
    qemu_.reset();
    const std::filesystem::path socket = dir_->path() / "qmp.sock";
    std::filesystem::remove(socket);
    util::UniqueFd log(::open((dir_->path() / "qemu.log").c_str(),
                              O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    ASSERT_TRUE(log);
    Result<util::ChildProcess> qemu = util::ChildProcess::Spawn(
        {"qemu-system-x86_64", "-machine", "none", "-accel", "tcg", "-nodefaults", "-nographic",
         "-display", "none", "-qmp", "unix:" + socket.string() + ",server=on,wait=off", "-blockdev",
         "driver=qcow2,node-name=disk0,file.driver=file,file.node-name=disk0-file,"
         "file.filename=" +
             image_.string()},
        {.in = util::Redirect::Null(),
         .out = util::Redirect::ToFd(log.get()),
         .err = util::Redirect::ToFd(log.get())});
    ASSERT_TRUE(qemu.has_value()) << qemu.error().Text();
    qemu_.emplace(std::move(*qemu));
    Result<QmpClient> client = QmpClient::Connect(socket, 10s);
    ASSERT_TRUE(client.has_value()) << client.error().Text() << "\n" << Log();
    client_.emplace(std::move(*client));
  }

  std::string Log() const {
    std::ifstream in(dir_->path() / "qemu.log");
    std::ostringstream text;
    text << in.rdbuf();
    return "qemu.log: " + text.str();
  }

  // The bitmaps QEMU reports on node "disk0".
  std::vector<DirtyBitmapInfo> Disk0Bitmaps() {
    Result<std::vector<BlockNodeInfo>> nodes = QueryNamedBlockNodes(*client_);
    EXPECT_TRUE(nodes.has_value()) << nodes.error().Text();
    if (!nodes) return {};
    const BlockNodeInfo* disk0 = FindNode(*nodes, "disk0");
    EXPECT_NE(disk0, nullptr);
    return disk0 ? disk0->dirty_bitmaps : std::vector<DirtyBitmapInfo>{};
  }

  Status AddCheckpointBitmap(const std::string& name) {
    const std::vector<TransactionAction> actions = {
        BlockDirtyBitmapAdd{.node = "disk0", .name = name}};
    return Transaction(*client_, actions);
  }

  std::optional<util::TempDir> dir_;
  std::filesystem::path image_;
  // Declared after dir_ and destroyed first: QEMU is killed before its files go.
  std::optional<util::ChildProcess> qemu_;
  std::optional<QmpClient> client_;
};

TEST_F(RealQemu, GreetsAndRuns) {
  Result<VmStatus> status = QueryStatus(*client_);

  EXPECT_GE(client_->greeting().major, 7);
  ASSERT_TRUE(status.has_value()) << status.error().Text();
  EXPECT_TRUE(status->running);
  EXPECT_EQ(status->status, "running");
}

TEST_F(RealQemu, ExecuteAllRunsEachCommandWhateverTheOthersDo) {
  const QmpClient::Command commands[] = {
      {"query-status"}, {"blockdev-del", {{"node-name", "no-such-node"}}}, {"query-name"}};
  Result<std::vector<Result<nlohmann::json>>> replies = client_->ExecuteAll(commands);

  ASSERT_TRUE(replies.has_value()) << replies.error().Text();
  ASSERT_EQ(replies->size(), 3u);
  ASSERT_TRUE((*replies)[0].has_value());
  EXPECT_EQ((*replies)[0]->at("status"), "running");
  ASSERT_FALSE((*replies)[1].has_value());
  EXPECT_THAT((*replies)[1].error().Text(), ::testing::HasSubstr("no-such-node"));
  EXPECT_TRUE((*replies)[2].has_value());
}

TEST_F(RealQemu, CheckpointBitmapIsAddedSeenAndRemoved) {
  ASSERT_TRUE(AddCheckpointBitmap("c1").has_value());

  std::vector<DirtyBitmapInfo> added = Disk0Bitmaps();
  const std::vector<TransactionAction> remove = {
      BlockDirtyBitmapRemove{.node = "disk0", .name = "c1"}};
  Status removed = Transaction(*client_, remove);

  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].name, "c1");
  EXPECT_TRUE(added[0].recording);
  EXPECT_TRUE(added[0].persistent);
  EXPECT_FALSE(added[0].busy);
  EXPECT_FALSE(added[0].inconsistent);
  EXPECT_EQ(added[0].granularity, 65536u);  // the qcow2 cluster size
  EXPECT_EQ(added[0].count, 0u);
  ASSERT_TRUE(removed.has_value()) << removed.error().Text();
  EXPECT_THAT(Disk0Bitmaps(), IsEmpty());
}

TEST_F(RealQemu, RefusedTransactionChangesNothing) {
  ASSERT_TRUE(AddCheckpointBitmap("c1").has_value());
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "disk0", .name = "c2"},
      BlockDirtyBitmapAdd{.node = "disk0", .name = "c1"}};

  Status done = Transaction(*client_, actions);

  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().Text(),
            "internal error: unable to execute QEMU command 'transaction': Bitmap already "
            "exists: c1");
  std::vector<DirtyBitmapInfo> bitmaps = Disk0Bitmaps();
  ASSERT_EQ(bitmaps.size(), 1u);
  EXPECT_EQ(bitmaps[0].name, "c1");
}

TEST_F(RealQemu, UnknownNodeIsReportedWithQemusDescription) {
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "nope", .name = "c1"}};

  Status done = Transaction(*client_, actions);

  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().detail(),
            "unable to execute QEMU command 'transaction': Cannot find device='nope' nor "
            "node-name='nope'");
}

TEST_F(RealQemu, DirtyCountIsInBytesRoundedToGranularity) {
  ASSERT_TRUE(AddCheckpointBitmap("c1").has_value());

  // No guest here: HMP's qemu-io writes to the node directly.
  Result<json> wrote = client_->Execute(
      "human-monitor-command", {{"command-line", "qemu-io disk0 \"write -P 0x5a 0 100k\""}});

  ASSERT_TRUE(wrote.has_value()) << wrote.error().Text();
  std::vector<DirtyBitmapInfo> bitmaps = Disk0Bitmaps();
  ASSERT_EQ(bitmaps.size(), 1u);
  EXPECT_EQ(bitmaps[0].count, 131072u);  // 100 KiB touch two 64 KiB chunks
}

TEST_F(RealQemu, QuitStoresPersistentBitmapsAndDropsTransientOnes) {
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "disk0", .name = "c1"},
      BlockDirtyBitmapAdd{.node = "disk0", .name = "tmp", .persistent = false, .disabled = true}};
  ASSERT_TRUE(Transaction(*client_, actions).has_value());
  // While QEMU runs, a new bitmap lives in memory only.
  EXPECT_THAT(ImageBitmaps(image_), IsEmpty());

  Status quit = Quit(*client_);
  Result<Event> shutdown = client_->WaitForEvent("SHUTDOWN", 5s);
  Result<util::ExitStatus> exited = qemu_->Wait();

  ASSERT_TRUE(quit.has_value()) << quit.error().Text();
  ASSERT_TRUE(shutdown.has_value()) << shutdown.error().Text();
  EXPECT_EQ(shutdown->data, json({{"guest", false}, {"reason", "host-qmp-quit"}}));
  ASSERT_TRUE(exited.has_value());
  EXPECT_TRUE(exited->Success()) << exited->Describe();
  auto stored = ImageBitmaps(image_);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_THAT(stored["c1"], ElementsAre("auto"));
}

TEST_F(RealQemu, BlockdevDelStoresPersistentBitmaps) {
  ASSERT_TRUE(AddCheckpointBitmap("c1").has_value());

  Status deleted = BlockdevDel(*client_, "disk0");

  ASSERT_TRUE(deleted.has_value()) << deleted.error().Text();
  auto stored = ImageBitmaps(image_);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_THAT(stored["c1"], ElementsAre("auto"));
}

TEST_F(RealQemu, KilledQemuLeavesItsBitmapsInconsistent) {
  ASSERT_TRUE(Quit(*client_).has_value());
  ASSERT_TRUE(qemu_->Wait().has_value());
  ASSERT_NO_FATAL_FAILURE(Run({"qemu-img", "bitmap", "--add", image_.string(), "c1"}));
  ASSERT_NO_FATAL_FAILURE(StartQemu());  // loads c1, marking it in use in the file
  ASSERT_TRUE(qemu_->Kill(SIGKILL).has_value());
  ASSERT_TRUE(qemu_->Wait().has_value());
  EXPECT_THAT(ImageBitmaps(image_)["c1"], ElementsAre("in-use", "auto"));

  ASSERT_NO_FATAL_FAILURE(StartQemu());
  std::vector<DirtyBitmapInfo> bitmaps = Disk0Bitmaps();

  ASSERT_EQ(bitmaps.size(), 1u);
  EXPECT_TRUE(bitmaps[0].inconsistent);
  EXPECT_FALSE(bitmaps[0].recording);
  EXPECT_TRUE(bitmaps[0].persistent);
}

TEST_F(RealQemu, FullBackupToACreatedImageRunsToConclusion) {
  // A backup target the way libvirt makes one: create and attach the file, format it with a
  // blockdev-create job, attach the qcow2 node, then one transaction starts the backup.
  const std::string target = (dir_->path() / "backup.qcow2").string();
  ASSERT_TRUE(BlockdevCreate(*client_, "create-file",
                             {{"driver", "file"}, {"filename", target}, {"size", 0}})
                  .has_value());
  Result<JobInfo> created_file = WaitForJobConcluded(*client_, "create-file", 10s);
  ASSERT_TRUE(created_file.has_value()) << created_file.error().Text();
  EXPECT_EQ(created_file->error, std::nullopt);
  ASSERT_TRUE(JobDismiss(*client_, "create-file").has_value());
  ASSERT_TRUE(BlockdevAdd(*client_,
                          {{"driver", "file"}, {"node-name", "target-file"}, {"filename", target}})
                  .has_value());
  ASSERT_TRUE(BlockdevCreate(*client_, "create-fmt",
                             {{"driver", "qcow2"}, {"file", "target-file"}, {"size", 16 << 20}})
                  .has_value());
  ASSERT_TRUE(WaitForJobConcluded(*client_, "create-fmt", 10s).has_value());
  ASSERT_TRUE(JobDismiss(*client_, "create-fmt").has_value());
  ASSERT_TRUE(
      BlockdevAdd(*client_, {{"driver", "qcow2"}, {"node-name", "target"}, {"file", "target-file"}})
          .has_value());
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "disk0", .name = "c1"}, BlockdevBackup{.job_id = "bk0",
                                                                         .device = "disk0",
                                                                         .target = "target",
                                                                         .sync = BackupSync::kFull,
                                                                         .auto_dismiss = false}};

  ASSERT_TRUE(Transaction(*client_, actions).has_value());
  Result<JobInfo> job = WaitForJobConcluded(*client_, "bk0", 30s);

  ASSERT_TRUE(job.has_value()) << job.error().Text();
  EXPECT_EQ(job->type, "backup");
  EXPECT_EQ(job->error, std::nullopt);
  EXPECT_EQ(job->current_progress, job->total_progress);
  ASSERT_TRUE(JobDismiss(*client_, "bk0").has_value());
  Result<std::vector<JobInfo>> left = QueryJobs(*client_);
  ASSERT_TRUE(left.has_value());
  EXPECT_THAT(*left, IsEmpty());
  EXPECT_TRUE(BlockdevDel(*client_, "target").has_value());
  EXPECT_TRUE(BlockdevDel(*client_, "target-file").has_value());
}

TEST_F(RealQemu, PullExportOffersADisabledBitmapButRefusesARecordingOne) {
  const std::vector<TransactionAction> actions = {
      BlockDirtyBitmapAdd{.node = "disk0", .name = "c1"},
      BlockDirtyBitmapAdd{
          .node = "disk0", .name = "backup-disk0", .persistent = false, .disabled = true}};
  ASSERT_TRUE(Transaction(*client_, actions).has_value());
  ASSERT_TRUE(NbdServerStart(*client_, NbdServerAddress::Unix((dir_->path() / "nbd.sock").string()))
                  .has_value());

  Status refused = BlockExportAdd(
      *client_, {.id = "e1", .node_name = "disk0", .name = "disk0", .bitmaps = {"c1"}});
  Status exported = BlockExportAdd(
      *client_, {.id = "e0", .node_name = "disk0", .name = "disk0", .bitmaps = {"backup-disk0"}});

  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().detail(),
            "unable to execute QEMU command 'block-export-add': Enabled bitmap 'c1' "
            "incompatible with readonly export");
  ASSERT_TRUE(exported.has_value()) << exported.error().Text();
  ASSERT_TRUE(BlockExportDel(*client_, "e0").has_value());
  Result<Event> deleted = client_->WaitForEvent("BLOCK_EXPORT_DELETED", 5s);
  ASSERT_TRUE(deleted.has_value()) << deleted.error().Text();
  EXPECT_EQ(deleted->data, json({{"id", "e0"}}));
  EXPECT_TRUE(NbdServerStop(*client_).has_value());
}

TEST_F(RealQemu, StopAndContEmitEventsAndChangeTheStatus) {
  ASSERT_TRUE(Stop(*client_).has_value());
  Result<VmStatus> paused = QueryStatus(*client_);
  ASSERT_TRUE(Cont(*client_).has_value());
  Result<VmStatus> running = QueryStatus(*client_);

  ASSERT_TRUE(paused.has_value());
  EXPECT_EQ(paused->status, "paused");
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->status, "running");
  EXPECT_TRUE(client_->WaitForEvent("STOP", 5s).has_value());
  EXPECT_TRUE(client_->WaitForEvent("RESUME", 5s).has_value());
}

TEST_F(RealQemu, SecondClientIsGreetedOnlyAfterTheFirstLeaves) {
  const std::filesystem::path socket = client_->socket_path();

  Result<QmpClient> second = QmpClient::Connect(socket, 300ms);
  client_.reset();
  Result<QmpClient> third = QmpClient::Connect(socket, 10s);

  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kOperationTimeout);
  EXPECT_THAT(second.error().detail(), HasSubstr("is another one connected?"));
  ASSERT_TRUE(third.has_value()) << third.error().Text();
}

}  // namespace
}  // namespace cairn::qmp
