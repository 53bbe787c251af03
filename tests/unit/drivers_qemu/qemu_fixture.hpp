// A qemu:///embed state root in a temporary directory with one defined domain whose disks
// are real qcow2 images (made with qemu-img). No QEMU runs unless a test starts it.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "cairn/cairn.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"

namespace cairn::test {

class QemuRootTest : public testing::Test {
 protected:
  void SetUp() override {
    auto dir = util::TempDir::Create("cairn-qemu");
    ASSERT_TRUE(dir) << dir.error().Text();
    dir_.emplace(std::move(*dir));
    for (const char* disk : {"vda", "vdb"}) {
      auto out = util::RunCommand({"qemu-img", "create", "-q", "-f", "qcow2", Image(disk), "64M"});
      ASSERT_TRUE(out && out->status.Success());
    }
    conn_.emplace(Open());
    auto dom = conn_->DefineDomainXml(DomainXml());
    ASSERT_TRUE(dom) << dom.error().Text();
    dom_.emplace(*dom);
  }

  // A test that fails half-way must not leave a daemonized QEMU behind.
  void TearDown() override {
    if (!dir_) return;
    if (auto c = Connection::Open(Uri())) {
      if (auto d = c->LookupDomainByName("vm1"); d && d->id() >= 0) (void)d->Destroy();
    }
  }

  std::string Root() const { return (dir_->path() / "root").string(); }
  std::string Uri() const { return "qemu:///embed?root=" + Root(); }
  std::string Image(const std::string& disk) const {
    return (dir_->path() / (disk + ".qcow2")).string();
  }

  Connection Open() const {
    auto c = Connection::Open(Uri());
    EXPECT_TRUE(c) << c.error().Text();
    return *c;
  }

  std::string DomainXml() const {
    return "<domain type='qemu'><name>vm1</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
           "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
           "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
           "<source file='" + Image("vda") + "'/><target dev='vda' bus='virtio'/></disk>"
           "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
           "<source file='" + Image("vdb") + "'/><target dev='vdb' bus='virtio'/></disk>"
           "</devices></domain>";
  }

  // Bitmap names qemu-img sees in a disk's image.
  std::set<std::string> BitmapsIn(const std::string& disk) const {
    auto out = util::RunCommand({"qemu-img", "info", "-U", Image(disk)});
    std::set<std::string> names;
    if (!out) return names;
    std::string text = out->out;
    std::size_t pos = 0;
    while ((pos = text.find("name: ", pos)) != std::string::npos) {
      pos += 6;
      names.insert(text.substr(pos, text.find('\n', pos) - pos));
    }
    return names;
  }

  std::set<std::string> CheckpointNames() const {
    auto dom = Open().LookupDomainByName("vm1");
    std::set<std::string> names;
    if (!dom) return names;
    auto list = dom->ListAllCheckpoints();
    if (list) {
      for (const auto& c : *list) names.insert(c.name());
    }
    return names;
  }

  std::optional<util::TempDir> dir_;
  std::optional<Connection> conn_;
  std::optional<Domain> dom_;
};

}  // namespace cairn::test
