// A server's connection and its client connections (Connection::OpenClientConnection), as
// cairnd uses them, on a real QEMU domain: the read-only bit is the client's, the monitor of
// the running domain is kept open between calls (reconnected when QEMU restarts), and calls
// of many clients at once serialise on the domain.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

#include "qemu_fixture.hpp"
#include "drivers/qemu/test_hooks.hpp"
#include "qmp/qmp_client.hpp"
#include "util/file_lock.hpp"

namespace cairn::test {
namespace {

class ClientViews : public QemuRootTest {
 protected:
  void SetUp() override {
    QemuRootTest::SetUp();
    server_.emplace(Open());
  }
  Domain Vm(const Connection& c) { return *c.LookupDomainByName("vm1"); }
  // Whether a client other than the server's kept one is served by QEMU's monitor now.
  bool MonitorFree() {
    const auto sock = std::filesystem::path(Root()) / "run" / "vm1" / "qmp.sock";
    return qmp::QmpClient::Connect(sock, std::chrono::milliseconds(300)).has_value();
  }

  std::optional<Connection> server_;
};

TEST_F(ClientViews, ReadOnlyIsTheClientsBit) {
  auto ro = server_->OpenClientConnection(true);
  ASSERT_TRUE(ro) << ro.error().Text();
  EXPECT_TRUE(ro->read_only());
  auto refused = Vm(*ro).CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kOperationDenied);
  auto rw = server_->OpenClientConnection(false);
  ASSERT_TRUE(rw) << rw.error().Text();
  EXPECT_TRUE(Vm(*rw).CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  // A read-only connection gives no read-write client.
  auto ro_server = Connection::Open(Uri(), true);
  ASSERT_TRUE(ro_server);
  auto denied = ro_server->OpenClientConnection(false);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kOperationDenied);
}

TEST_F(ClientViews, TheTestDriverHasNoClientViews) {
  auto test = Connection::Open("test:///default");
  ASSERT_TRUE(test);
  auto view = test->OpenClientConnection(true);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code(), ErrorCode::kNoSupport);
}

TEST_F(ClientViews, TheRunningDomainsMonitorIsKeptAndFollowsARestartedQemu) {
  auto client = server_->OpenClientConnection(false);
  ASSERT_TRUE(client);
  ASSERT_TRUE(Vm(*client).Start());
  EXPECT_TRUE(MonitorFree()) << "nothing kept before a call needed the monitor";
  ASSERT_TRUE(Vm(*client).CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>"));
  EXPECT_FALSE(MonitorFree()) << "the server keeps the monitor after the call";
  ASSERT_TRUE(Vm(*client).Destroy());
  ASSERT_TRUE(Vm(*client).Start());
  // A new QEMU: the kept connection was the old one's.
  ASSERT_TRUE(Vm(*client).CheckpointCreateXml("<domaincheckpoint><name>c2</name></domaincheckpoint>"));
  auto c2 = Vm(*client).CheckpointLookupByName("c2");
  ASSERT_TRUE(c2);
  auto xml = c2->GetXmlDesc(CheckpointXmlFlags::kSize | CheckpointXmlFlags::kNoDomain);
  ASSERT_TRUE(xml) << xml.error().Text();
  EXPECT_NE(xml->find("size='0'"), std::string::npos) << *xml;
  ASSERT_TRUE(Vm(*client).Destroy());
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{"c1", "c2"}));
}

TEST_F(ClientViews, ClientsCallingAtOnceSerialiseOnTheDomain) {
  ASSERT_TRUE(dom_->Start());
  constexpr int kClients = 8, kEach = 3;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int n = 0; n < kClients; ++n) {
    threads.emplace_back([&, n] {
      auto c = server_->OpenClientConnection(false);
      if (!c) {
        ++failed;
        return;
      }
      Domain d = Vm(*c);
      for (int i = 0; i < kEach; ++i) {
        const std::string name = "t" + std::to_string(n) + "-" + std::to_string(i);
        if (!d.CheckpointCreateXml("<domaincheckpoint><name>" + name + "</name></domaincheckpoint>")) ++failed;
        if (!d.ListAllCheckpoints()) ++failed;
        if (!d.GetInfo()) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  auto all = Vm(*server_).ListAllCheckpoints();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kClients * kEach));
  int roots = 0;
  for (const Checkpoint& c : *all) roots += c.GetParent() ? 0 : 1;
  EXPECT_EQ(roots, 1) << "creations one after the other: one chain";
  ASSERT_TRUE(Vm(*server_).Destroy());
  EXPECT_EQ(BitmapsIn("vda").size(), static_cast<std::size_t>(kClients * kEach));
}

TEST_F(ClientViews, AChangeOfOneDomainDoesNotWaitForAnotherDomainsLock) {
  auto out = util::RunCommand({"qemu-img", "create", "-q", "-f", "qcow2", Image("vdc"), "64M"});
  ASSERT_TRUE(out && out->status.Success());
  ASSERT_TRUE(server_->DefineDomainXml(
      "<domain type='qemu'><name>vm2</name><memory unit='MiB'>128</memory><devices>"
      "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
      "<source file='" + Image("vdc") + "'/><target dev='vda' bus='virtio'/></disk>"
      "</devices></domain>"));
  drivers::qemu::InstallTestHooks({.lock_timeout = std::chrono::seconds(3)});
  // vm1 is busy with someone else's change (held as a call would hold it).
  const auto locks = std::filesystem::path(Root()) / "locks";
  std::filesystem::create_directories(locks);
  auto held = util::FileLock::Acquire(locks / "vm1.lock");
  ASSERT_TRUE(held) << held.error().Text();
  auto a = server_->OpenClientConnection(false);
  auto b = server_->OpenClientConnection(false);
  ASSERT_TRUE(a && b);
  std::atomic<bool> vm2_done{false};
  bool vm2_before_vm1 = false;
  std::optional<ErrorCode> vm1_error;
  std::thread waiting([&] {
    auto r = Vm(*a).CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
    vm2_before_vm1 = vm2_done.load();
    if (!r) vm1_error = r.error().code();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // vm1's call now waits
  auto vm2 = b->LookupDomainByName("vm2");
  ASSERT_TRUE(vm2);
  auto created = vm2->CheckpointCreateXml("<domaincheckpoint><name>c1</name></domaincheckpoint>");
  vm2_done = true;
  waiting.join();
  drivers::qemu::InstallTestHooks({});
  ASSERT_TRUE(created) << created.error().Text();
  EXPECT_TRUE(vm2_before_vm1) << "vm2's change waited for vm1's lock";
  EXPECT_EQ(vm1_error, ErrorCode::kOperationTimeout);
}

}  // namespace
}  // namespace cairn::test
