// The REMOTE program's procedure structures through the generic codec: the observed
// CONNECT_OPEN payload, round trips of every shape, arrays over their maximum refused.
#include "rpc/remote_protocol.hpp"

#include <gtest/gtest.h>

#include "hex.hpp"

namespace cairn::test {
namespace {

using namespace cairn::rpc;

const RemoteDomain kVm{"vm", std::string("\x66\x95\xeb\x01\xf6\xa4\x83\x04\x79\xaa\x97\xf2\x50\x2e\x19\x3f", 16), 1};

TEST(RemoteProtocol, ConnectOpenCarriesTheUriAsObserved) {
  ConnectOpenArgs open{.name = "qemu:///system", .flags = 0};
  EXPECT_EQ(ToHex(EncodeToBytes(open)),
            "00000001 0000000e 71656d75 3a2f2f2f 73797374 656d0000 00000000");
}

TEST(RemoteProtocol, DomainInfoSmallTypesTakeAWordEach) {
  DomainGetInfoRet info{.state = 1, .max_mem = 8, .memory = 4, .nr_virt_cpu = 2, .cpu_time = 3};
  EXPECT_EQ(EncodeToBytes(info).size(), 4u + 8 + 8 + 4 + 8);
}

template <typename T>
void ExpectRoundTrip(const T& v) {
  auto back = DecodeFromBytes<T>(EncodeToBytes(v));
  ASSERT_TRUE(back) << back.error().Text();
  EXPECT_EQ(EncodeToBytes(*back), EncodeToBytes(v));
}

TEST(RemoteProtocol, EveryShapeReadsBack) {
  ExpectRoundTrip(BackupBeginArgs{kVm, "<domainbackup/>", std::nullopt, 1});
  ExpectRoundTrip(BackupBeginArgs{kVm, "<domainbackup/>", "<domaincheckpoint/>", 0});
  ExpectRoundTrip(ListCheckpointsRet{{{{"c1", kVm}, {"c2", kVm}}}, 2});
  ExpectRoundTrip(GetJobStatsRet{3, {{{"operation", std::int32_t{9}}, {"success", true}}}});
  ExpectRoundTrip(JobCompletedEvent{0, kVm, {{{"time_elapsed", std::uint64_t{111}}}}});
  ExpectRoundTrip(EventRegisterAnyArgs{kEventIdJobCompleted, std::nullopt});
  ExpectRoundTrip(EventRegisterAnyArgs{kEventIdJobCompleted, kVm});
  ExpectRoundTrip(FsfreezeArgs{kVm, {{"/", "/var"}}, 0});
  ExpectRoundTrip(LookupByUuidArgs{Uuid{kVm.uuid}});
  ExpectRoundTrip(GetJobInfoRet{.type = 2, .time_elapsed = 5, .file_total = 9});
  ExpectRoundTrip(AuthListRet{{{kAuthNone}}});
}

TEST(RemoteProtocol, ArraysOverTheirMaximumAreRefused) {
  XdrWriter w;
  w.PutInt32(3);
  w.PutUint32(kJobStatsMax + 1);
  auto stats = DecodeFromBytes<GetJobStatsRet>(w.bytes());
  ASSERT_FALSE(stats);
  EXPECT_EQ(stats.error().code(), ErrorCode::kRpc);
}

TEST(RemoteProtocol, ShortOrLongPayloadsAreRefused) {
  std::string bytes = EncodeToBytes(CheckpointFlagsArgs{{"c1", kVm}, 4});
  EXPECT_FALSE(DecodeFromBytes<CheckpointFlagsArgs>(bytes.substr(0, bytes.size() - 4)));
  EXPECT_FALSE(DecodeFromBytes<CheckpointFlagsArgs>(bytes + std::string(4, '\0')));
}

}  // namespace
}  // namespace cairn::test
