// The lifecycle entry points' contract (read-only rule, unknown flag bits) and the test
// driver's states behind them, through the public C++ API on test:///default.
#include <gtest/gtest.h>

#include "cairn/cairn.hpp"

namespace cairn {
namespace {

class LifecycleContract : public testing::Test {
 protected:
  Domain Open(bool read_only) {
    auto c = Connection::Open("test:///default", read_only);
    EXPECT_TRUE(c) << c.error().Text();
    auto d = c->LookupDomainByName("test");
    EXPECT_TRUE(d) << d.error().Text();
    return *d;
  }
  static DomainState State(const Domain& d) {
    Result<DomainInfo> info = d.GetInfo();
    EXPECT_TRUE(info) << info.error().Text();
    return info ? info->state : DomainState::kNoState;
  }
};

TEST_F(LifecycleContract, ReadOnlyConnectionRefusesEveryLifecycleCall) {
  Domain d = Open(true);
  EXPECT_EQ(d.Suspend().error().Text(),
            "operation forbidden: read only access prevents virDomainSuspend");
  EXPECT_EQ(d.Resume().error().code(), ErrorCode::kOperationDenied);
  EXPECT_EQ(d.Reboot().error().code(), ErrorCode::kOperationDenied);
  EXPECT_EQ(d.Shutdown().error().Text(),
            "operation forbidden: read only access prevents virDomainShutdownFlags");
  EXPECT_EQ(State(d), DomainState::kRunning);
}

TEST_F(LifecycleContract, UnknownFlagBitsAreInvalidArgNamingTheEntryPoint) {
  Domain d = Open(false);
  Status s = d.Shutdown(static_cast<ShutdownFlags>(1u << 4));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail(), "unsupported flags (0x10) in function virDomainShutdownFlags");
  s = d.Reboot(static_cast<RebootFlags>(1u << 9));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().detail(), "unsupported flags (0x200) in function virDomainReboot");
}

TEST_F(LifecycleContract, SuspendPausesAndResumeRunsAgain) {
  Domain d = Open(false);
  ASSERT_TRUE(d.Suspend());
  EXPECT_EQ(State(d), DomainState::kPaused);
  Status again = d.Suspend();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().Text(), "internal error: domain 'test' not running");
  ASSERT_TRUE(d.Resume());
  EXPECT_EQ(State(d), DomainState::kRunning);
  EXPECT_EQ(d.Resume().error().Text(), "internal error: domain 'test' not paused");
}

TEST_F(LifecycleContract, RebootKeepsThePausedDomainRunningAndShutdownStopsIt) {
  Domain d = Open(false);
  ASSERT_TRUE(d.Suspend());
  ASSERT_TRUE(d.Reboot());
  EXPECT_EQ(State(d), DomainState::kRunning);
  Status agent = d.Shutdown(ShutdownFlags::kGuestAgent);  // the test driver takes no mode
  ASSERT_FALSE(agent);
  EXPECT_EQ(agent.error().detail(), "unsupported flags (0x2) in function testDomainShutdownFlags");
  ASSERT_TRUE(d.Shutdown());
  EXPECT_EQ(State(d), DomainState::kShutoff);
  EXPECT_EQ(d.Reboot().error().Text(), "Requested operation is not valid: domain is not running");
}

TEST_F(LifecycleContract, OsTypeAndVersionAreLibvirtTestDriverValues) {
  Domain d = Open(false);
  Result<std::string> os = d.GetOsType();
  ASSERT_TRUE(os);
  EXPECT_EQ(*os, "linux");
  Result<unsigned long> v = d.connection().HypervisorVersion();
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, 2u);
  Result<DomainInfo> info = d.GetInfo();
  ASSERT_TRUE(info);
  EXPECT_GT(info->cpu_time_ns, 0u);  // the current time, as libvirt's test driver
}

}  // namespace
}  // namespace cairn
