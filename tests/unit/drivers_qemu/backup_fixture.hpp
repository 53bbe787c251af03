// Backups on a running vm1 (qemu_fixture.hpp) without a guest: data goes into the images
// offline with qemu-io before start, and "guest" writes while running go through the disk's
// own virtio device (HMP qemu-io on the device's block backend), so copy-before-write sees
// them exactly as it would see a guest's. Backups are checked byte for byte against an
// expected raw image built from the same writes.
#pragma once

#include <fmt/format.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "qemu_fixture.hpp"
#include "drivers/qemu/test_hooks.hpp"
#include "qmp/qmp_client.hpp"

namespace cairn::test {

struct Extent {
  std::uint64_t offset;
  std::uint64_t length;
  bool operator==(const Extent&) const = default;
};

class BackupTest : public QemuRootTest {
 protected:
  static constexpr std::uint64_t kDiskSize = 64ull << 20;

  void SetUp() override {
    QemuRootTest::SetUp();
    if (HasFatalFailure()) return;
    for (const char* disk : {"vda", "vdb"}) {
      auto out = util::RunCommand(
          {"qemu-img", "create", "-q", "-f", "raw", Expected(disk), std::to_string(kDiskSize)});
      ASSERT_TRUE(out && out->status.Success());
    }
  }

  std::string Path(const std::string& name) const { return (dir_->path() / name).string(); }
  // The raw image a disk should read as: every write the test made, in order.
  std::string Expected(const std::string& disk) const { return Path(disk + ".expected.raw"); }

  void Run(const std::vector<std::string>& argv) {
    auto out = util::RunCommand(argv);
    ASSERT_TRUE(out) << out.error().Text();
    ASSERT_TRUE(out->status.Success()) << argv[0] << ": " << out->err << out->out;
  }

  // Writes `pattern` at [offset, offset+length) of an image file (domain shut off).
  void WriteOffline(const std::string& disk, int pattern, std::uint64_t offset,
                    std::uint64_t length) {
    Run({"qemu-io", "-f", "qcow2", "-c", fmt::format("write -P {} {} {}", pattern, offset, length),
         Image(disk)});
    Run({"qemu-io", "-f", "raw", "-c", fmt::format("write -P {} {} {}", pattern, offset, length),
         Expected(disk)});
  }

  // A connection of the test's own to vm1's QMP monitor (the driver's connections come and go
  // per call, so the test can speak to QEMU between them).
  Result<qmp::QmpClient> Monitor() const {
    return qmp::QmpClient::Connect(Root() + "/run/vm1/qmp.sock");
  }

  // A write through the running disk's virtio device, as the guest's would be. With
  // `expected`, it is also applied to the expected image (a write inside the backup's view).
  void GuestWrite(const std::string& disk, int pattern, std::uint64_t offset, std::uint64_t length,
                  bool expected) {
    auto qmp = Monitor();
    ASSERT_TRUE(qmp) << qmp.error().Text();
    std::string device = disk == "vda" ? "virtio-disk0" : "virtio-disk1";
    auto reply = qmp->Execute(
        "human-monitor-command",
        {{"command-line",
          fmt::format("qemu-io -d /machine/peripheral/{}/virtio-backend \"write -P {} {} {}\"",
                      device, pattern, offset, length)}});
    ASSERT_TRUE(reply) << reply.error().Text();
    ASSERT_EQ(reply->get<std::string>(), "") << *reply;
    if (expected) {
      Run({"qemu-io", "-f", "raw", "-c", fmt::format("write -P {} {} {}", pattern, offset, length),
           Expected(disk)});
    }
  }

  // Backups begun while this lives crawl (1 byte/s): a test can act while they run.
  struct SlowBackups {
    SlowBackups() { drivers::qemu::InstallTestHooks({.backup_speed = 1}); }
    ~SlowBackups() { drivers::qemu::InstallTestHooks({}); }
  };

  Domain Vm() const { return *Open().LookupDomainByName("vm1"); }

  void StartVm() {
    ASSERT_TRUE(dom_->Start());
    dom_ = Vm();
  }

  // Polls the job (which is what finishes it) until there is none; returns how it ended.
  JobStats WaitForJobEnd(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto s = Vm().GetJobStats();
      EXPECT_TRUE(s) << s.error().Text();
      if (!s) return {};
      if (s->type == JobType::kNone) {
        auto done = Vm().GetJobStats(JobStatsFlags::kCompleted | JobStatsFlags::kKeepCompleted);
        EXPECT_TRUE(done) << done.error().Text();
        return done ? *done : JobStats{};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "backup job did not end in time";
    return {};
  }

  // "Images are identical." from qemu-img compare, or its complaint.
  std::string Compare(const std::string& expected_raw, const std::string& image,
                      const std::string& format) {
    auto out = util::RunCommand(
        {"qemu-img", "compare", "-U", "-f", "raw", "-F", format, expected_raw, image});
    if (!out) return out.error().Text();
    std::string text = out->out + out->err;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  // Pull backups, read the way third-party tools read them: nbdcopy for the data,
  // nbdinfo --map for the qemu:dirty-bitmap:NAME context of an incremental backup.
  std::string Socket() const { return Path("nbd.sock"); }
  std::string NbdUri(const std::string& export_name) const {
    return "nbd+unix:///" + export_name + "?socket=" + Socket();
  }
  std::string UnixServer() const { return "<server transport='unix' socket='" + Socket() + "'/>"; }

  // The whole export, copied into a raw file.
  std::string Read(const std::string& uri, const std::string& name) {
    std::string out = Path(name + ".read.raw");
    Run({"nbdcopy", uri, out});
    return out;
  }

  // The dirty extents of an export's bitmap context, merged.
  std::vector<Extent> Dirty(const std::string& uri, const std::string& bitmap) {
    auto out = util::RunCommand({"nbdinfo", "--json", "--map=qemu:dirty-bitmap:" + bitmap, uri});
    EXPECT_TRUE(out && out->status.Success()) << (out ? out->err : out.error().Text());
    std::vector<Extent> dirty;
    if (!out || !out->status.Success()) return dirty;
    for (const auto& e : nlohmann::json::parse(out->out)) {
      if (e.at("type").get<int>() != 1) continue;
      std::uint64_t off = e.at("offset"), len = e.at("length");
      if (!dirty.empty() && dirty.back().offset + dirty.back().length == off) {
        dirty.back().length += len;
      } else {
        dirty.push_back({off, len});
      }
    }
    return dirty;
  }

  static bool Exists(const std::string& path) { return std::filesystem::exists(path); }

  static std::string PushDisk(const std::string& disk, const std::string& target,
                              const std::string& format, const std::string& attrs = "") {
    return fmt::format(
        "<disk name='{}' type='file'{}><driver type='{}'/><target file='{}'/></disk>", disk, attrs,
        format, target);
  }
};

}  // namespace cairn::test
