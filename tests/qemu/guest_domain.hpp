// tests/qemu/guest_domain.hpp — GuestDomainTest, the fixture of every test that runs the test
// guest as a Cairn domain: domain "g1" on qemu:///embed in a fresh temporary root, with two
// empty 64 MiB qcow2 disks vda and vdb, the serial console on a unix socket (GuestConsole)
// and the guest agent channel; started and answering on its console when the test body runs,
// destroyed afterwards. Skips when CAIRN_TEST_GUEST_DIR is unset (ctest sets it).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "cairn/cairn.hpp"
#include "guest_console.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"

namespace cairn::test {

class GuestDomainTest : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kMiB = 1024 * 1024;
  static constexpr std::uint64_t kDiskSize = 64 * kMiB;

  void SetUp() override {
    const char* guest_dir = std::getenv("CAIRN_TEST_GUEST_DIR");
    if (guest_dir == nullptr || *guest_dir == '\0') {
      GTEST_SKIP() << "CAIRN_TEST_GUEST_DIR is not set (ctest builds the guest and sets it)";
    }
    guest_ = guest_dir;
    auto dir = util::TempDir::Create("cairn-guest");
    ASSERT_TRUE(dir) << dir.error().Text();
    dir_.emplace(std::move(*dir));
    for (const char* d : {"vda", "vdb"}) {
      auto out = util::RunCommand(
          {"qemu-img", "create", "-q", "-f", "qcow2", Image(d), std::to_string(kDiskSize)});
      ASSERT_TRUE(out && out->status.Success());
    }
    auto dom = Open().DefineDomainXml(DomainXml());
    ASSERT_TRUE(dom) << dom.error().Text();
    StartAndConnect();
  }

  void TearDown() override {
    if (!dir_) return;
    if (auto d = Open().LookupDomainByName("g1"); d && d->id() >= 0) (void)d->Destroy();
  }

  // A path in the test's temporary directory.
  std::string Path(const std::string& name) const { return (dir_->path() / name).string(); }
  std::string Image(const std::string& disk) const { return Path(disk + ".qcow2"); }

  Connection Open() const {
    auto c = Connection::Open("qemu:///embed?root=" + Path("root"));
    EXPECT_TRUE(c) << c.error().Text();
    return *c;
  }
  Domain Dom() const { return *Open().LookupDomainByName("g1"); }

  std::string DomainXml() const {
    std::string xml =
        "<domain type='qemu'><name>g1</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
        "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" +
        (guest_ / "vmlinuz").string() + "</kernel><initrd>" + (guest_ / "initrd.img").string() +
        "</initrd><cmdline>console=ttyS0 quiet no_timer_check</cmdline></os><devices>";
    for (const char* d : {"vda", "vdb"}) {
      xml += std::string("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>") +
             "<source file='" + Image(d) + "'/><target dev='" + d + "' bus='virtio'/></disk>";
    }
    xml += "<serial type='unix'><source mode='bind' path='" + Path("console.sock") +
           "'/></serial><channel type='unix'><target type='virtio' "
           "name='org.qemu.guest_agent.0'/></channel></devices></domain>";
    return xml;
  }

  void StartAndConnect() {
    console_.reset();
    ASSERT_TRUE(Dom().Start());
    // Alone the guest boots in about 5 s; a full suite on 2 cores (two TCG guests and the
    // other tests at once) has twice kept it from its shell for over 60 s.
    auto console = GuestConsole::Connect(Path("console.sock"), std::chrono::minutes(3));
    ASSERT_TRUE(console) << console.error().Text();
    console_.emplace(std::move(*console));
  }

  std::filesystem::path guest_;
  std::optional<util::TempDir> dir_;
  std::optional<GuestConsole> console_;
};

}  // namespace cairn::test
