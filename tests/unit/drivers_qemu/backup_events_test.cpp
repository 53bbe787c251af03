// The job-completed event on real QEMU: a registered callback hears of every backup that
// ends after it registered — with nobody else asking, with the statistics GetJobStats
// (kCompleted) gives, even when a reader consumed those statistics first — and is silent
// once deregistered.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "backup_fixture.hpp"
#include "util/child_process.hpp"

namespace cairn::test {
namespace {

// What the callback heard, for the test thread to wait on.
struct Heard {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::pair<std::string, JobStats>> events;

  JobCompletedCallback Callback() {
    return [this](const Domain& d, const JobStats& s) {
      std::lock_guard lock(mutex);
      events.emplace_back(d.name(), s);
      cv.notify_all();
    };
  }
  bool WaitFor(std::size_t n, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, timeout, [&] { return events.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return events.size();
  }
};

class BackupEvents : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    if (HasFatalFailure()) return;
    WriteOffline("vda", 0xab, 0, 1 << 20);
    StartVm();
  }
  std::string Push(const std::string& suffix) {
    return "<domainbackup><disks>" + PushDisk("vda", Path("vda." + suffix), "qcow2") +
           "<disk name='vdb' backup='no'/></disks></domainbackup>";
  }
};

TEST_F(BackupEvents, PushBackupEndingAloneIsReported) {
  Heard heard;
  auto id = RegisterJobCompletedCallback(*conn_, &*dom_, heard.Callback());
  ASSERT_TRUE(id) << id.error().Text();
  ASSERT_TRUE(dom_->BackupBegin(Push("1")));
  ASSERT_TRUE(heard.WaitFor(1));
  EXPECT_EQ(heard.events[0].first, "vm1");
  const JobStats& s = heard.events[0].second;
  EXPECT_EQ(s.type, JobType::kCompleted);
  EXPECT_EQ(s.operation, JobOperation::kBackup);
  EXPECT_EQ(s.success, true);
  EXPECT_EQ(s.disk_total, kDiskSize);
  EXPECT_EQ(Compare(Expected("vda"), Path("vda.1"), "qcow2"), "Images are identical.");
  ASSERT_TRUE(DeregisterEventCallback(*conn_, *id));
}

TEST_F(BackupEvents, AReaderConsumingTheStatisticsFirstDoesNotHideTheEvent) {
  Heard heard;
  auto id = RegisterJobCompletedCallback(*conn_, nullptr, heard.Callback());
  ASSERT_TRUE(id) << id.error().Text();
  ASSERT_TRUE(dom_->BackupBegin(Push("1")));
  JobStats done = WaitForJobEnd();
  ASSERT_EQ(Vm().GetJobStats(JobStatsFlags::kCompleted)->type, done.type);  // consumed now
  ASSERT_TRUE(heard.WaitFor(1));
  EXPECT_EQ(heard.events[0].second.started_ms, done.started_ms);
  ASSERT_TRUE(DeregisterEventCallback(*conn_, *id));
}

TEST_F(BackupEvents, EachJobIsReportedOnceAndNothingAfterDeregistering) {
  Heard heard;
  auto id = RegisterJobCompletedCallback(*conn_, &*dom_, heard.Callback());
  ASSERT_TRUE(id) << id.error().Text();
  ASSERT_TRUE(dom_->BackupBegin(Push("1")));
  ASSERT_TRUE(heard.WaitFor(1));
  ASSERT_TRUE(Vm().BackupBegin("<domainbackup mode='pull'><server transport='unix' socket='" +
                               Path("nbd.sock") +
                               "'/><disks><disk name='vda'/></disks>"
                               "</domainbackup>"));
  ASSERT_TRUE(Vm().AbortJob());
  ASSERT_TRUE(heard.WaitFor(2));
  EXPECT_EQ(heard.events[1].second.type, JobType::kCompleted);  // an ended pull backup
  ASSERT_TRUE(DeregisterEventCallback(*conn_, *id));
  ASSERT_TRUE(Vm().BackupBegin(Push("2")));
  WaitForJobEnd();
  std::this_thread::sleep_for(3 * kEventPollInterval);
  EXPECT_EQ(heard.size(), 2u);
}

// libvirt's daemon hears every job end; Cairn's event thread looks every kEventPollInterval,
// so jobs that end between two looks must all still be reported, in the order they ran.
TEST_F(BackupEvents, JobsEndingBetweenTwoLooksAreEachReportedInOrder) {
  Heard heard;
  auto id = RegisterJobCompletedCallback(*conn_, &*dom_, heard.Callback());
  ASSERT_TRUE(id) << id.error().Text();
  std::vector<std::int64_t> started;
  const auto t0 = std::chrono::steady_clock::now();
  for (const char* suffix : {"1", "2", "3"}) {
    ASSERT_TRUE(Vm().BackupBegin(Push(suffix)));
    started.push_back(WaitForJobEnd().started_ms);
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(heard.WaitFor(3)) << "heard " << heard.size() << " of 3 jobs that took "
                                << std::chrono::duration<double, std::milli>(took).count() << " ms";
  std::this_thread::sleep_for(2 * kEventPollInterval);
  ASSERT_EQ(heard.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(heard.events[i].second.started_ms, started[i]) << "job " << i;
    EXPECT_EQ(heard.events[i].second.type, JobType::kCompleted) << "job " << i;
  }
  ASSERT_TRUE(DeregisterEventCallback(*conn_, *id));
}

TEST_F(BackupEvents, JobsEndedBeforeRegisteringAreNotReported) {
  ASSERT_TRUE(dom_->BackupBegin(Push("1")));
  WaitForJobEnd();
  Heard heard;
  auto id = RegisterJobCompletedCallback(*conn_, &*dom_, heard.Callback());
  ASSERT_TRUE(id) << id.error().Text();
  std::this_thread::sleep_for(3 * kEventPollInterval);
  EXPECT_EQ(heard.size(), 0u);
  ASSERT_TRUE(DeregisterEventCallback(*conn_, *id));
}

// Jobs are named by a per-domain number: each job's event carries the number its completed
// statistics carry, and the numbers follow one another.
TEST_F(BackupEvents, EachEventCarriesItsJobsNumberInOrder) {
  Heard heard;
  auto id = RegisterJobCompletedCallback(*conn_, &*dom_, heard.Callback());
  ASSERT_TRUE(id) << id.error().Text();
  std::vector<std::uint64_t> numbers;
  for (const char* suffix : {"1", "2", "3"}) {
    ASSERT_TRUE(Vm().BackupBegin(Push(suffix)));
    numbers.push_back(WaitForJobEnd().sequence);
  }
  ASSERT_TRUE(heard.WaitFor(3));
  EXPECT_GE(numbers[0], 1u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(numbers[i], numbers[0] + i) << "job " << i;
    EXPECT_EQ(heard.events[i].second.sequence, numbers[i]) << "job " << i;
  }
  ASSERT_TRUE(DeregisterEventCallback(*conn_, *id));
}

// Cairn's client through cairnd: the daemon pushes VIR_DOMAIN_EVENT_ID_JOB_COMPLETED and
// the remote driver delivers it to a callback registered on the remote connection.
TEST_F(BackupEvents, ThroughCairndTheDaemonsPushedEventIsDelivered) {
  auto listen = util::TempDir::Create("cairnd");  // a socket path has at most 107 bytes
  ASSERT_TRUE(listen) << listen.error().Text();
  auto daemon = util::ChildProcess::Spawn(
      {CAIRND_PATH, "--root", Root(), "--listen", listen->path().string()},
      {.out = util::Redirect::Null(), .err = util::Redirect::Null()});
  ASSERT_TRUE(daemon) << daemon.error().Text();
  const std::string uri =
      "qemu+unix:///system?socket=" + (listen->path() / "cairn-sock").string();
  std::optional<Connection> remote;
  for (int i = 0; i < 200 && !remote; ++i) {  // until cairnd listens
    if (auto c = Connection::Open(uri)) {
      remote.emplace(std::move(*c));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ASSERT_TRUE(remote) << "cairnd did not start";
  auto vm = remote->LookupDomainByName("vm1");
  ASSERT_TRUE(vm) << vm.error().Text();

  Heard heard;
  auto id = RegisterJobCompletedCallback(*remote, &*vm, heard.Callback());
  ASSERT_TRUE(id) << id.error().Text();
  ASSERT_TRUE(vm->BackupBegin(Push("1")));
  ASSERT_TRUE(heard.WaitFor(1));
  EXPECT_EQ(heard.events[0].first, "vm1");
  const JobStats& s = heard.events[0].second;
  EXPECT_EQ(s.type, JobType::kCompleted);
  EXPECT_EQ(s.operation, JobOperation::kBackup);
  EXPECT_EQ(s.success, true);
  EXPECT_EQ(s.disk_total, kDiskSize);
  ASSERT_TRUE(DeregisterEventCallback(*remote, *id));
  ASSERT_TRUE(vm->BackupBegin(Push("2")));
  // Through cairnd: while it runs the root is its own (it keeps the domain's QMP monitor, so
  // this process's embedded connection would wait for it).
  for (int i = 0; i < 1200; ++i) {
    auto s = vm->GetJobStats();
    ASSERT_TRUE(s) << s.error().Text();
    if (s->type == JobType::kNone) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(3 * kEventPollInterval);
  EXPECT_EQ(heard.size(), 1u);
}

}  // namespace
}  // namespace cairn::test
