// RemoteDispatch without sockets, on test:///default: the connection set-up a libvirt client
// performs, calls before CONNECT_OPEN, unknown programs and procedures (VIR_ERR_NO_SUPPORT,
// which clients skip), the read-only socket, and libvirt's error for a root's parent.
#include "daemon/remote_dispatch.hpp"

#include <gtest/gtest.h>

#include "rpc/remote_protocol.hpp"

namespace cairn::test {
namespace {

using namespace cairn::rpc;
using daemon::RemoteDispatch;

template <typename Args>
Packet Call(RemoteProc proc, const Args& args) {
  return Packet{PacketHeader{.procedure = static_cast<std::int32_t>(proc)}, EncodeToBytes(args)};
}
Packet Call(RemoteProc proc) {
  return Packet{PacketHeader{.procedure = static_cast<std::int32_t>(proc)}, ""};
}

RemoteError ErrorOf(const RemoteDispatch::Reply& r) {
  EXPECT_EQ(r.status, PacketStatus::kError);
  auto e = DecodeFromBytes<RemoteError>(r.payload);
  EXPECT_TRUE(e) << e.error().Text();
  return e ? *e : RemoteError{};
}

TEST(RemoteDispatch, ConnectionSetUpAsVirshDoesIt) {
  RemoteDispatch d({.uri = "test:///default"}, nullptr);
  auto auth = d.Handle(Call(RemoteProc::kAuthList));
  ASSERT_EQ(auth.status, PacketStatus::kOk);
  EXPECT_EQ(DecodeFromBytes<AuthListRet>(auth.payload)->types.items, std::vector<std::int32_t>{0});
  // Before CONNECT_OPEN libvirtd answers only the keepalive feature, as virsh asks it.
  auto keepalive = d.Handle(Call(RemoteProc::kConnectSupportsFeature, SupportsFeatureArgs{10}));
  ASSERT_EQ(keepalive.status, PacketStatus::kOk);
  EXPECT_EQ(DecodeFromBytes<IntRet>(keepalive.payload)->value, 1);
  EXPECT_EQ(ErrorOf(d.Handle(Call(RemoteProc::kConnectSupportsFeature, SupportsFeatureArgs{14})))
                .message,
            "internal error: hypervisor connection not open");
  auto before = ErrorOf(d.Handle(Call(RemoteProc::kConnectGetType)));
  EXPECT_EQ(before.message, "internal error: hypervisor connection not open");
  ASSERT_EQ(d.Handle(Call(RemoteProc::kConnectOpen, ConnectOpenArgs{"test:///default", 0})).status,
            PacketStatus::kOk);
  for (std::int32_t f : {14, 15, 9}) {
    auto r = d.Handle(Call(RemoteProc::kConnectSupportsFeature, SupportsFeatureArgs{f}));
    ASSERT_EQ(r.status, PacketStatus::kOk);
    EXPECT_EQ(DecodeFromBytes<IntRet>(r.payload)->value, f == 9 ? 0 : 1) << f;
  }
  auto type = d.Handle(Call(RemoteProc::kConnectGetType));
  EXPECT_EQ(DecodeFromBytes<StringRet>(type.payload)->value, "TEST");
  auto lib = d.Handle(Call(RemoteProc::kConnectGetLibVersion));
  EXPECT_EQ(DecodeFromBytes<HyperRet>(lib.payload)->value, 9000000u);
  EXPECT_EQ(d.Handle(Call(RemoteProc::kConnectClose)).status, PacketStatus::kOk);
  EXPECT_TRUE(d.closing());
}

TEST(RemoteDispatch, UnservedProceduresAreNoSupportNotRpcErrors) {
  RemoteDispatch d({.uri = "test:///default"}, nullptr);
  // (120, REMOTE_PROC_NODE_DEVICE_RESET: 122, the security model, is served now.)
  auto e = ErrorOf(d.Handle(Call(static_cast<RemoteProc>(120))));
  EXPECT_EQ(e.code, static_cast<int>(ErrorCode::kNoSupport));
  EXPECT_EQ(e.message, "this function is not supported by the connection driver: procedure 120");
  // A number libvirt never assigned is libvirtd's RPC error.
  auto unknown = ErrorOf(d.Handle(Call(static_cast<RemoteProc>(9999))));
  EXPECT_EQ(unknown.code, static_cast<int>(ErrorCode::kRpc));
  EXPECT_EQ(unknown.message, "unknown procedure: 9999");
  Packet other = Call(RemoteProc::kAuthList);
  other.header.program = 0x20008087;  // QEMU's program
  EXPECT_EQ(ErrorOf(d.Handle(other)).code, static_cast<int>(ErrorCode::kRpc));
}

TEST(RemoteDispatch, TheReadOnlySocketOpensReadOnly) {
  RemoteDispatch d({.uri = "test:///default", .read_only = true}, nullptr);
  ASSERT_EQ(d.Handle(Call(RemoteProc::kConnectOpen, ConnectOpenArgs{"test:///default", 0})).status,
            PacketStatus::kOk);
  auto dom = d.Handle(Call(RemoteProc::kDomainLookupByName, LookupByNameArgs{"test"}));
  ASSERT_EQ(dom.status, PacketStatus::kOk);
  RemoteDomain handle = DecodeFromBytes<DomainRet>(dom.payload)->dom;
  auto e = ErrorOf(d.Handle(Call(RemoteProc::kDomainCheckpointCreateXml,
                                 CheckpointCreateXmlArgs{handle, "<domaincheckpoint/>", 0})));
  EXPECT_EQ(e.code, static_cast<int>(ErrorCode::kOperationDenied));
}

TEST(RemoteDispatch, ARootsParentIsLibvirtsError) {
  RemoteDispatch d({.uri = "test:///default"}, nullptr);
  ASSERT_EQ(d.Handle(Call(RemoteProc::kConnectOpen, ConnectOpenArgs{std::nullopt, 0})).status,
            PacketStatus::kOk);
  // With no name the daemon's own URI is opened: here the test driver.
  auto dom = d.Handle(Call(RemoteProc::kDomainLookupByName, LookupByNameArgs{"test"}));
  RemoteDomain handle = DecodeFromBytes<DomainRet>(dom.payload)->dom;
  auto cp = d.Handle(Call(RemoteProc::kDomainCheckpointCreateXml,
                          CheckpointCreateXmlArgs{handle, "<domaincheckpoint><name>c1</name></domaincheckpoint>", 0}));
  ASSERT_EQ(cp.status, PacketStatus::kOk);
  RemoteCheckpoint c1 = DecodeFromBytes<CheckpointRet>(cp.payload)->checkpoint;
  EXPECT_EQ(c1.name, "c1");
  EXPECT_EQ(c1.domain.uuid.size(), 16u);
  auto e = ErrorOf(d.Handle(Call(RemoteProc::kDomainCheckpointGetParent, CheckpointFlagsArgs{c1, 0})));
  EXPECT_EQ(e.code, static_cast<int>(ErrorCode::kNoDomainCheckpoint));
  auto count = d.Handle(Call(RemoteProc::kDomainListAllCheckpoints, ListAllCheckpointsArgs{handle, 0, 0}));
  auto list = DecodeFromBytes<ListCheckpointsRet>(count.payload);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->ret, 1);
  EXPECT_TRUE(list->checkpoints.items.empty());  // need_results 0: the count only
}

TEST(RemoteDispatch, MalformedArgumentsFailTheCallOnly) {
  RemoteDispatch d({.uri = "test:///default"}, nullptr);
  Packet bad{PacketHeader{.procedure = static_cast<std::int32_t>(RemoteProc::kConnectOpen)},
             std::string("\x00\x00\x00\x05", 4)};
  EXPECT_EQ(ErrorOf(d.Handle(bad)).code, static_cast<int>(ErrorCode::kRpc));
  EXPECT_EQ(d.Handle(Call(RemoteProc::kConnectOpen, ConnectOpenArgs{"test:///default", 0})).status,
            PacketStatus::kOk);
}

}  // namespace
}  // namespace cairn::test
