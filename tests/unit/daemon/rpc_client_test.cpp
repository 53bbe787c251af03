// RpcClient against cairnd's ClientSession on a socket pair (test:///default): libvirt's
// connection set-up, typed calls, the server's errors kept as they were raised, calls from
// several threads at once, and calls after the daemon's end failing instead of hanging.
#include "rpc/rpc_client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <thread>
#include <vector>

#include "daemon/client_session.hpp"

namespace cairn::test {
namespace {

using namespace cairn::rpc;

struct Connected {
  std::unique_ptr<daemon::ClientSession> server;
  std::unique_ptr<RpcClient> client;
};

Connected Connect() {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  auto server = daemon::ClientSession::Start(util::UniqueFd(fds[0]), {.uri = "test:///default"}, 1);
  EXPECT_TRUE(server);
  auto client = RpcClient::Adopt(util::UniqueFd(fds[1]));
  EXPECT_TRUE(client);
  return {std::move(*server), std::move(*client)};
}

RemoteDomain OpenAndFindTest(RpcClient& c) {
  EXPECT_TRUE((c.Call<AuthListRet>(RemoteProc::kAuthList, VoidArgs{})));
  EXPECT_TRUE((c.Call<VoidRet>(RemoteProc::kConnectOpen, ConnectOpenArgs{"test:///default", 0})));
  auto dom = c.Call<DomainRet>(RemoteProc::kDomainLookupByName, LookupByNameArgs{"test"});
  EXPECT_TRUE(dom) << dom.error().Text();
  return dom ? dom->dom : RemoteDomain{};
}

TEST(RpcClient, CallsAndTheServersErrors) {
  Connected c = Connect();
  RemoteDomain test = OpenAndFindTest(*c.client);
  EXPECT_EQ(test.name, "test");
  EXPECT_EQ(test.id, 1);
  auto cp = c.client->Call<CheckpointRet>(
      RemoteProc::kDomainCheckpointCreateXml,
      CheckpointCreateXmlArgs{test, "<domaincheckpoint><name>c1</name></domaincheckpoint>", 0});
  ASSERT_TRUE(cp) << cp.error().Text();
  auto parent = c.client->Call<CheckpointRet>(RemoteProc::kDomainCheckpointGetParent,
                                              CheckpointFlagsArgs{cp->checkpoint, 0});
  ASSERT_FALSE(parent);
  EXPECT_EQ(parent.error().code(), ErrorCode::kNoDomainCheckpoint);
  EXPECT_EQ(parent.error().domain(), ErrorDomain::kTest);
  EXPECT_EQ(parent.error().Text(),
            "Domain checkpoint not found: checkpoint 'c1' does not have a parent");
  auto missing = c.client->Call<DomainRet>(RemoteProc::kDomainLookupByName, LookupByNameArgs{"x"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNoDomain);
}

TEST(RpcClient, OverlappingCallsFromSeveralThreadsGetTheirOwnReplies) {
  Connected c = Connect();
  RemoteDomain test = OpenAndFindTest(*c.client);
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto cp = c.client->Call<CheckpointRet>(
            RemoteProc::kDomainCheckpointCreateXml,
            CheckpointCreateXmlArgs{
                test, "<domaincheckpoint><name>" + name + "</name></domaincheckpoint>", 0});
        if (cp && cp->checkpoint.name == name) ++good;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(good.load(), 80);
  auto all = c.client->Call<ListCheckpointsRet>(RemoteProc::kDomainListAllCheckpoints,
                                                ListAllCheckpointsArgs{test, 1, 0});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->ret, 80);
}

TEST(RpcClient, CallsFailOnceTheServerIsGone) {
  Connected c = Connect();
  OpenAndFindTest(*c.client);
  EXPECT_TRUE((c.client->Call<VoidRet>(RemoteProc::kConnectClose, VoidArgs{})));
  // The server ends the connection after CONNECT_CLOSE.
  for (int i = 0; i < 200 && !c.client->closed(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  auto after = c.client->Call<StringRet>(RemoteProc::kConnectGetType, VoidArgs{});
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code(), ErrorCode::kRpc);
}

}  // namespace
}  // namespace cairn::test
