// RpcChannel on a socket pair: keepalive answered by the channel itself, packets handed over in order, whole packets under concurrent senders, and
// the end of the peer reported once.
#include "rpc/rpc_channel.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "rpc/remote_protocol.hpp"

namespace cairn::test {
namespace {

using namespace cairn::rpc;
using namespace std::chrono_literals;

// A peer: the other end of the pair, read packet by packet with a framer.
struct Peer {
  util::UniqueFd fd;
  PacketFramer framer;
  std::optional<Packet> Read() {
    for (;;) {
      auto p = framer.Next();
      if (!p || *p) return p ? std::move(*p) : std::nullopt;
      char buf[4096];
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      framer.Append(std::string_view(buf, static_cast<std::size_t>(n)));
    }
  }
  void Write(const PacketHeader& h, std::string_view payload = "") {
    std::string bytes = EncodePacket(h, payload);
    ASSERT_EQ(::write(fd.get(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
};

struct Pair {
  util::UniqueFd a, b;
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    a.reset(fds[0]);
    b.reset(fds[1]);
  }
};

const PacketHeader kPing{.program = kKeepaliveProgram,
                         .procedure = static_cast<std::int32_t>(KeepaliveProc::kPing),
                         .type = PacketType::kMessage};

TEST(RpcChannel, PingIsAnsweredByTheChannelAndCallsReachTheOwnerInOrder) {
  Pair pair;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::vector<std::int32_t> seen;
  auto ch = RpcChannel::Start(
      std::move(pair.a),
      [&](Packet p) {
        seen.push_back(p.header.procedure);
        if (p.header.procedure == 3) released.wait();  // a long call
      },
      nullptr);
  ASSERT_TRUE(ch);
  Peer peer{std::move(pair.b), {}};
  // The handler runs on the reader thread (an owner with long calls hands them to a worker
  // of its own, so that PINGs keep being answered): keepalive first, then a call that waits.
  peer.Write(kPing);
  auto pong = peer.Read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->header.program, kKeepaliveProgram);
  EXPECT_EQ(pong->header.procedure, static_cast<std::int32_t>(KeepaliveProc::kPong));
  EXPECT_EQ(pong->header.type, PacketType::kMessage);
  peer.Write(PacketHeader{.procedure = 1, .serial = 0});
  peer.Write(PacketHeader{.procedure = 3, .serial = 1});
  std::this_thread::sleep_for(50ms);
  release.set_value();
  (*ch).reset();
  EXPECT_EQ(seen, (std::vector<std::int32_t>{1, 3}));
}

TEST(RpcChannel, ConcurrentSendersNeverInterleavePackets) {
  Pair pair;
  auto ch = RpcChannel::Start(std::move(pair.a), nullptr, nullptr);
  ASSERT_TRUE(ch);
  Peer peer{std::move(pair.b), {}};
  const std::string payload(100000, 'x');
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        PacketHeader h{.procedure = t, .serial = static_cast<std::uint32_t>(i)};
        EXPECT_TRUE((*ch)->Send(h, payload));
      }
    });
  }
  int got = 0;
  for (int i = 0; i < 20; ++i) {
    auto p = peer.Read();
    ASSERT_TRUE(p);
    EXPECT_EQ(p->payload, payload);
    ++got;
  }
  for (std::thread& s : senders) s.join();
  EXPECT_EQ(got, 20);
}

TEST(RpcChannel, ThePeersEndIsReportedOnce) {
  Pair pair;
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> ends;
  auto ch = RpcChannel::Start(std::move(pair.a), nullptr, [&](const Error& e) {
    std::lock_guard<std::mutex> lock(m);
    ends.push_back(e.detail());
    cv.notify_all();
  });
  ASSERT_TRUE(ch);
  pair.b.reset();
  std::unique_lock<std::mutex> lock(m);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return !ends.empty(); }));
  lock.unlock();
  EXPECT_EQ(ends, (std::vector<std::string>{"end of file from peer"}));
  EXPECT_TRUE((*ch)->closed());
  EXPECT_FALSE((*ch)->Send(PacketHeader{}, ""));
}

TEST(RpcChannel, AStreamOutOfStepEndsTheChannel) {
  Pair pair;
  std::promise<std::string> why;
  auto ch = RpcChannel::Start(std::move(pair.a), nullptr,
                              [&](const Error& e) { why.set_value(e.detail()); });
  ASSERT_TRUE(ch);
  const char bad[4] = {0, 0, 0, 3};
  ASSERT_EQ(::write(pair.b.get(), bad, 4), 4);
  auto f = why.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(f.get(), "packet length 3 out of range");
}

TEST(RpcChannel, CloseByTheOwnerIsNotReportedAsThePeersEnd) {
  Pair pair;
  bool reported = false;
  auto ch = RpcChannel::Start(std::move(pair.a), nullptr, [&](const Error&) { reported = true; });
  ASSERT_TRUE(ch);
  (*ch)->Close();
  (*ch).reset();
  EXPECT_FALSE(reported);
  char c;
  EXPECT_EQ(::read(pair.b.get(), &c, 1), 0);  // the peer sees end of file
}

}  // namespace
}  // namespace cairn::test
