// GuestAgent against a scripted hostile guest: every malformed, oversized or missing reply
// becomes an Error naming the command, never an exception, an abort or an endless wait.
#include "drivers/qemu/guest_agent.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "util/temp_dir.hpp"
#include "util/unique_fd.hpp"

namespace cairn::drivers::qemu {
namespace {

using namespace std::chrono_literals;

// A guest agent that answers guest-sync properly (echoing its id) and then answers each
// further command with the next scripted reply: a function of nothing that writes bytes.
class FakeAgent {
 public:
  using Reply = std::function<void(int fd)>;

  explicit FakeAgent(std::vector<Reply> replies) : replies_(std::move(replies)) {
    dir_.emplace(*util::TempDir::Create("agent"));
    path_ = dir_->path() / "qga.sock";
    listen_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path_.c_str());
    EXPECT_EQ(::bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_.get(), 1), 0);
    thread_ = std::thread([this] { Run(); });
  }
  ~FakeAgent() {
    ::shutdown(listen_.get(), SHUT_RDWR);
    if (conn_ >= 0) ::shutdown(conn_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
  }
  // Waits until the client has closed the channel.
  void Join() { thread_.join(); }

  const std::filesystem::path& path() const { return path_; }
  std::vector<std::string> commands_seen() const { return seen_; }

  static Reply Line(std::string text) {
    return [text](int fd) { (void)!::write(fd, (text + "\n").data(), text.size() + 1); };
  }
  static Reply Silence() {
    return [](int) {};
  }

 private:
  bool ReadLine(std::string& line) {
    line.clear();
    char c;
    while (::read(conn_, &c, 1) == 1) {
      if (c == '\n') return true;
      line += c;
    }
    return false;
  }
  void Run() {
    util::UniqueFd conn(::accept(listen_.get(), nullptr, nullptr));
    if (!conn) return;
    conn_ = conn.get();
    std::string line;
    if (!ReadLine(line)) return;
    nlohmann::json sync = nlohmann::json::parse(line);
    seen_.push_back(sync["execute"]);
    std::string answer = nlohmann::json({{"return", sync["arguments"]["id"]}}).dump() + "\n";
    (void)!::write(conn_, answer.data(), answer.size());
    for (Reply& reply : replies_) {
      if (!ReadLine(line)) return;
      seen_.push_back(nlohmann::json::parse(line)["execute"]);
      reply(conn_);
    }
    while (ReadLine(line)) seen_.push_back(nlohmann::json::parse(line)["execute"]);
  }

  std::optional<util::TempDir> dir_;
  std::filesystem::path path_;
  util::UniqueFd listen_;
  int conn_ = -1;
  std::vector<Reply> replies_;
  std::vector<std::string> seen_;
  std::thread thread_;
};

Result<nlohmann::json> RunOne(std::vector<FakeAgent::Reply> replies,
                              std::chrono::milliseconds timeout = 2s) {
  FakeAgent peer(std::move(replies));
  Result<GuestAgent> agent = GuestAgent::Connect(peer.path(), 2s);
  if (!agent) return std::unexpected(agent.error());
  return agent->Execute("guest-fsfreeze-freeze", timeout);
}

TEST(GuestAgent, ErrorThatIsANumberIsAnInternalError) {
  Result<nlohmann::json> r = RunOne({FakeAgent::Line(R"({"error": 1})")});

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInternalError);
  EXPECT_EQ(r.error().detail(),
            "QEMU guest agent sent an error that is not an object in reply to "
            "'guest-fsfreeze-freeze'");
}

TEST(GuestAgent, ErrorDescThatIsANumberIsAnInternalError) {
  Result<nlohmann::json> r = RunOne({FakeAgent::Line(R"({"error": {"desc": 5}})")});

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInternalError);
  EXPECT_NE(r.error().detail().find("'desc' is not a string"), std::string::npos);
}

TEST(GuestAgent, ErrorWithDescNamesCommandAndDesc) {
  Result<nlohmann::json> r =
      RunOne({FakeAgent::Line(R"({"error": {"class": "GenericError", "desc": "busy"}})")});

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().detail(), "unable to execute QEMU agent command 'guest-fsfreeze-freeze': busy");
}

TEST(GuestAgent, FloodWithoutNewlineIsBoundedAndRefused) {
  std::string chunk(64 * 1024, 'x');
  Result<nlohmann::json> r = RunOne({[chunk](int fd) {
    for (std::size_t sent = 0; sent < 2 * kMaxAgentReplyBytes; sent += chunk.size()) {
      if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) <= 0) return;
    }
  }});

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInternalError);
  EXPECT_NE(r.error().detail().find("a line longer than 1048576 bytes"), std::string::npos);
}

TEST(GuestAgent, SilentGuestTimesOut) {
  Result<nlohmann::json> r = RunOne({FakeAgent::Silence()}, 200ms);

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kAgentUnresponsive);
  EXPECT_EQ(r.error().detail(), "no reply to 'guest-fsfreeze-freeze' within 200 ms");
}

TEST(GuestAgent, GarbageLinesAreSkippedUntilTheReply) {
  Result<nlohmann::json> r =
      RunOne({[](int fd) {
        std::string bytes = "not json\n[1,2]\n\"str\"\n{\"event\": 3}\n{\"return\": 2}\n";
        (void)!::write(fd, bytes.data(), bytes.size());
      }});

  ASSERT_TRUE(r) << r.error().detail();
  EXPECT_EQ(*r, 2);
}

TEST(GuestAgent, FreezeWithNonIntegerReturnIsRefusedAndThawed) {
  FakeAgent peer({FakeAgent::Line(R"({"return": "lots"})"), FakeAgent::Line(R"({"return": 0})")});
  Result<GuestAgent> agent = GuestAgent::Connect(peer.path(), 2s);
  ASSERT_TRUE(agent);

  Result<FrozenGuest> frozen = FrozenGuest::Freeze(std::move(*agent));

  ASSERT_FALSE(frozen);
  EXPECT_EQ(frozen.error().detail(),
            "QEMU guest agent sent a return value that is not an integer in reply to "
            "'guest-fsfreeze-freeze'");
  peer.Join();
  EXPECT_EQ(peer.commands_seen(),
            (std::vector<std::string>{"guest-sync", "guest-fsfreeze-freeze", "guest-fsfreeze-thaw"}));
}

TEST(GuestAgent, HostileThawReplyInDestructorDoesNotEscape) {
  FakeAgent peer({FakeAgent::Line(R"({"return": 1})"), FakeAgent::Line(R"({"error": 1})")});
  Result<GuestAgent> agent = GuestAgent::Connect(peer.path(), 2s);
  ASSERT_TRUE(agent);
  {
    Result<FrozenGuest> frozen = FrozenGuest::Freeze(std::move(*agent));
    ASSERT_TRUE(frozen) << frozen.error().detail();
  }  // ~FrozenGuest thaws; the hostile reply must not throw out of it
  peer.Join();

  EXPECT_EQ(peer.commands_seen(),
            (std::vector<std::string>{"guest-sync", "guest-fsfreeze-freeze", "guest-fsfreeze-thaw"}));
}

TEST(GuestAgent, ExplicitThawReportsAHostileReply) {
  FakeAgent peer({FakeAgent::Line(R"({"return": 1})"), FakeAgent::Line(R"({"error": [1]})")});
  Result<GuestAgent> agent = GuestAgent::Connect(peer.path(), 2s);
  ASSERT_TRUE(agent);
  Result<FrozenGuest> frozen = FrozenGuest::Freeze(std::move(*agent));
  ASSERT_TRUE(frozen);

  Status thawed = frozen->Thaw();

  ASSERT_FALSE(thawed);
  EXPECT_EQ(thawed.error().code(), ErrorCode::kInternalError);
}

// guest-shutdown: qemu-ga answers only a failure; silence or a closed channel is success.
Status RunUnanswered(std::vector<FakeAgent::Reply> replies) {
  FakeAgent peer(std::move(replies));
  Result<GuestAgent> agent = GuestAgent::Connect(peer.path(), 2s);
  if (!agent) return std::unexpected(agent.error());
  return agent->ExecuteUnanswered("guest-shutdown", {{"mode", "reboot"}}, 200ms);
}

TEST(GuestAgent, UnansweredCommandSucceedsOnSilence) {
  EXPECT_TRUE(RunUnanswered({FakeAgent::Silence()}));
}

TEST(GuestAgent, UnansweredCommandSucceedsWhenTheGuestGoesAway) {
  EXPECT_TRUE(RunUnanswered({[](int fd) { ::shutdown(fd, SHUT_RDWR); }}));
}

TEST(GuestAgent, UnansweredCommandReportsTheGuestsError) {
  Status s = RunUnanswered(
      {FakeAgent::Line(R"({"error": {"class": "GenericError", "desc": "child process has failed to shutdown"}})")});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kInternalError);
  EXPECT_EQ(s.error().detail(),
            "unable to execute QEMU agent command 'guest-shutdown': child process has failed to "
            "shutdown");
}

TEST(GuestAgent, UnansweredCommandRefusesAHostileError) {
  Status s = RunUnanswered({FakeAgent::Line(R"({"error": {"desc": 5}})")});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kInternalError);
}

TEST(GuestAgent, UnansweredCommandIsSentOnceAfterTheSync) {
  FakeAgent peer({FakeAgent::Silence()});
  {
    Result<GuestAgent> agent = GuestAgent::Connect(peer.path(), 2s);
    ASSERT_TRUE(agent);
    ASSERT_TRUE(agent->ExecuteUnanswered("guest-shutdown", {{"mode", "powerdown"}}, 100ms));
  }  // the channel closes
  peer.Join();
  EXPECT_EQ(peer.commands_seen(), (std::vector<std::string>{"guest-sync", "guest-shutdown"}));
}

}  // namespace
}  // namespace cairn::drivers::qemu
