// Shutdown and reboot of the real test guest through its qemu-ga (guest-shutdown), through
// Cairn's public API on qemu:///embed, with libvirt's mode rules: the agent when asked for
// or (no mode) when the domain has one; ACPI reboot refused, naming the agent way out; the
// agent refused for a paused guest. The guest's /sbin/shutdown powers off or reboots at once.
// The guest filesystems' freeze and thaw (virDomainFSFreeze / FSThaw) go through the same
// agent.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "cairn/cairn.hpp"
#include "guest_domain.hpp"
#include "qmp/qmp_client.hpp"

namespace cairn::test {
namespace {

using namespace std::chrono_literals;

class GuestLifecycle : public GuestDomainTest {
 protected:
  // Whether the domain reached `state` within `timeout`.
  bool WaitForState(DomainState state, std::chrono::seconds timeout = 60s) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto dom = Open().LookupDomainByName("g1");
      if (dom) {
        auto info = dom->GetInfo();
        if (info && info->state == state) return true;
      }
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // QEMU's own record of the reboot: the guest-initiated RESET event on the domain's event
  // monitor (run/g1/events.sock, which only Cairn's job-event source uses, and not while no
  // job runs). Connected before the reboot is asked for, so the event cannot be missed.
  qmp::QmpClient WatchEvents() {
    auto qmp = qmp::QmpClient::Connect(Path("root/run/g1/events.sock"));
    EXPECT_TRUE(qmp) << qmp.error().Text();
    return std::move(*qmp);
  }

  // Whether the guest reset itself (a reboot from inside, not a reset by Cairn or QEMU) within
  // `timeout`, in the same QEMU, and the domain still runs.
  void ExpectGuestRebooted(qmp::QmpClient& events, int id, std::chrono::seconds timeout = 120s) {
    auto reset = events.WaitForEvent("RESET", timeout);
    ASSERT_TRUE(reset) << reset.error().Text();
    EXPECT_EQ(reset->data.value("guest", false), true) << reset->data.dump();
    EXPECT_EQ(Dom().id(), id);  // the same QEMU: the guest reset, the domain never stopped
    auto info = Dom().GetInfo();
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state, DomainState::kRunning);
  }

  // The guest kernel's boot id: a new one after every boot.
  std::string BootId() {
    auto id = console_->Run("cat /proc/sys/kernel/random/boot_id");
    EXPECT_TRUE(id) << id.error().Text();
    return id ? *id : "";
  }
};

TEST_F(GuestLifecycle, AgentShutdownPowersTheGuestOff) {
  ASSERT_TRUE(Dom().Shutdown(ShutdownFlags::kGuestAgent));
  EXPECT_TRUE(WaitForState(DomainState::kShutoff));
}

TEST_F(GuestLifecycle, ShutdownWithoutModeUsesTheAgentTheDomainHas) {
  // The guest ignores the ACPI power button (nothing listens for it): only the agent can
  // have powered it off.
  ASSERT_TRUE(Dom().Shutdown());
  EXPECT_TRUE(WaitForState(DomainState::kShutoff));
}

TEST_F(GuestLifecycle, AgentRebootRestartsTheGuestInTheSameQemu) {
  qmp::QmpClient events = WatchEvents();
  const int id = Dom().id();
  ASSERT_TRUE(Dom().Reboot(RebootFlags::kGuestAgent));
  ExpectGuestRebooted(events, id);
}

TEST_F(GuestLifecycle, RebootWithoutModeUsesTheAgent) {
  qmp::QmpClient events = WatchEvents();
  const int id = Dom().id();
  ASSERT_TRUE(Dom().Reboot());
  ExpectGuestRebooted(events, id);
}

TEST_F(GuestLifecycle, AcpiRebootIsRefusedAndTheGuestRunsOn) {
  const std::string before = BootId();
  Status ok = Dom().Reboot(RebootFlags::kAcpiPowerBtn);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code(), ErrorCode::kArgumentUnsupported);
  EXPECT_NE(ok.error().detail().find("--mode agent"), std::string::npos) << ok.error().Text();
  EXPECT_EQ(BootId(), before);
}

TEST_F(GuestLifecycle, AcpiOrAgentRebootTakesTheAgent) {
  // Several modes: any of them, in libvirt's order (the agent first).
  qmp::QmpClient events = WatchEvents();
  const int id = Dom().id();
  ASSERT_TRUE(Dom().Reboot(RebootFlags::kAcpiPowerBtn | RebootFlags::kGuestAgent));
  ExpectGuestRebooted(events, id);
}

TEST_F(GuestLifecycle, AgentModeOnAPausedGuestIsRefused) {
  ASSERT_TRUE(Dom().Suspend());
  Status ok = Dom().Shutdown(ShutdownFlags::kGuestAgent);
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_EQ(ok.error().detail(), "domain is not running");
  ASSERT_TRUE(Dom().Resume());
  EXPECT_TRUE(console_->Run("true"));
}

TEST_F(GuestLifecycle, FsFreezeAndThawGoThroughTheAgent) {
  Result<int> frozen = Dom().FsFreeze();
  ASSERT_TRUE(frozen) << frozen.error().Text();
  EXPECT_GE(*frozen, 0);  // the guest's root is an initramfs: qemu-ga may freeze none
  // qemu-ga stays frozen only when it froze something; frozen, it refuses another freeze.
  Result<int> again = Dom().FsFreeze();
  if (*frozen > 0) {
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code(), ErrorCode::kInternalError) << again.error().Text();
  } else {
    ASSERT_TRUE(again) << again.error().Text();
    EXPECT_EQ(*again, 0);
  }
  // As libvirt's qemu driver, thaw takes no mount points.
  Result<int> chosen = Dom().FsThaw({"/"});
  ASSERT_FALSE(chosen);
  EXPECT_EQ(chosen.error().code(), ErrorCode::kArgumentUnsupported);
  Result<int> thawed = Dom().FsThaw();
  ASSERT_TRUE(thawed) << thawed.error().Text();
  EXPECT_EQ(*thawed, *frozen);
  // Thawed: the agent freezes again, this time a list of mount points, and the guest runs on.
  Result<int> listed = Dom().FsFreeze({"/"});
  ASSERT_TRUE(listed) << listed.error().Text();
  ASSERT_TRUE(Dom().FsThaw());
  EXPECT_TRUE(console_->Run("true"));
  Result<int> flagged = Dom().FsFreeze({}, 1);
  ASSERT_FALSE(flagged);
  EXPECT_EQ(flagged.error().code(), ErrorCode::kInvalidArg);
}

TEST_F(GuestLifecycle, FsFreezeOfAPausedGuestIsRefused) {
  ASSERT_TRUE(Dom().Suspend());
  Result<int> frozen = Dom().FsFreeze();
  ASSERT_FALSE(frozen);
  EXPECT_EQ(frozen.error().code(), ErrorCode::kOperationInvalid);
  EXPECT_EQ(frozen.error().detail(), "domain is not running");
  ASSERT_TRUE(Dom().Resume());
}

}  // namespace
}  // namespace cairn::test
