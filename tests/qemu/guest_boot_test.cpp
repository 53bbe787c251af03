// The test guest from scripts/build-test-guest, booted under real QEMU: its console runs
// commands, its writes reach the disk image byte for byte, and its guest agent answers on
// the virtio-serial channel. CTest builds the guest first and names its directory in
// CAIRN_TEST_GUEST_DIR. TCG unless CAIRN_TEST_ACCEL says otherwise (a /dev/kvm that opens
// does not prove KVM runs guests).
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "guest_console.hpp"
#include "util/child_process.hpp"
#include "util/temp_dir.hpp"
#include "util/unique_fd.hpp"

namespace cairn::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr std::uint64_t kDiskSize = 16 << 20;
// Generous: two TCG guests may boot side by side on a busy two-core CI machine.
constexpr auto kBootTimeout = seconds(120);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// One line-oriented connection to qemu-ga through QEMU's chardev socket.
class AgentChannel {
 public:
  static Result<AgentChannel> Connect(const fs::path& socket_path) {
    util::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof(addr.sun_path) - 1);
    if (!fd || ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
      return Fail(
          ErrorCode::kSystemError, ErrorDomain::kNone,
          fmt::format("cannot connect to '{}': {}", socket_path.string(), std::strerror(errno)));
    }
    return AgentChannel(std::move(fd));
  }

  // Sends one JSON request and returns the agent's reply line, without its newline.
  Result<std::string> Exchange(std::string_view request, seconds timeout = seconds(30)) {
    std::string line = std::string(request) + "\n";
    if (::send(fd_.get(), line.data(), line.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(line.size())) {
      return Fail(ErrorCode::kSystemError, ErrorDomain::kNone, "cannot write to the agent");
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (std::size_t eol = buffer_.find('\n'); eol != std::string::npos) {
        std::string reply = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 1);
        return reply;
      }
      pollfd pfd{.fd = fd_.get(), .events = POLLIN, .revents = 0};
      if (std::chrono::steady_clock::now() >= deadline || ::poll(&pfd, 1, 100) < 0) {
        return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kNone,
                    fmt::format("no agent reply to {}", request));
      }
      if (pfd.revents == 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(fd_.get(), chunk, sizeof(chunk));
      if (n <= 0) return Fail(ErrorCode::kSystemError, ErrorDomain::kNone, "agent socket closed");
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  explicit AgentChannel(util::UniqueFd fd) : fd_(std::move(fd)) {}
  util::UniqueFd fd_;
  std::string buffer_;
};

// Each test boots its own guest with one fresh qcow2 disk (vda) and the agent channel.
class GuestBootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* guest_dir = std::getenv("CAIRN_TEST_GUEST_DIR");
    if (guest_dir == nullptr || *guest_dir == '\0') {
      GTEST_SKIP() << "CAIRN_TEST_GUEST_DIR is not set (ctest builds the guest and sets it)";
    }
    const fs::path guest(guest_dir);
    ASSERT_TRUE(fs::exists(guest / "vmlinuz") && fs::exists(guest / "initrd.img"))
        << "no guest in " << guest << ": run scripts/build-test-guest " << guest;

    Result<util::TempDir> dir = util::TempDir::Create("cairn-guest-test");
    ASSERT_TRUE(dir) << dir.error().Text();
    dir_.emplace(std::move(*dir));
    disk_ = dir_->path() / "vda.qcow2";
    Result<util::CommandOutput> created = util::RunCommand(
        {"qemu-img", "create", "-q", "-f", "qcow2", disk_.string(), std::to_string(kDiskSize)});
    ASSERT_TRUE(created && created->status.Success())
        << (created ? created->err : created.error().Text());

    const char* accel = std::getenv("CAIRN_TEST_ACCEL");
    const fs::path console = dir_->path() / "console.sock";
    agent_socket_ = dir_->path() / "qga.sock";
    log_ = dir_->path() / "qemu.log";
    util::UniqueFd log(::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    ASSERT_TRUE(log);
    const std::string accel_name = accel != nullptr && *accel != '\0' ? accel : "tcg";
    std::vector<std::string> argv = {"qemu-system-x86_64",
                                     "-nodefaults",
                                     "-no-user-config",
                                     "-display",
                                     "none",
                                     "-no-reboot",
                                     "-m",
                                     "256"};
    auto add = [&argv](std::string option, std::string value) {
      argv.push_back(std::move(option));
      argv.push_back(std::move(value));
    };
    add("-machine", fmt::format("pc,accel={}", accel_name));
    add("-kernel", (guest / "vmlinuz").string());
    add("-initrd", (guest / "initrd.img").string());
    add("-append", "console=ttyS0 quiet no_timer_check");
    add("-chardev", fmt::format("socket,id=serial0,path={},server=on,wait=off", console.string()));
    add("-serial", "chardev:serial0");
    add("-blockdev", fmt::format("driver=file,node-name=file-vda,filename={}", disk_.string()));
    add("-blockdev", "driver=qcow2,node-name=disk-vda,file=file-vda");
    add("-device", "virtio-blk-pci,drive=disk-vda");
    add("-chardev",
        fmt::format("socket,id=qga0,path={},server=on,wait=off", agent_socket_.string()));
    add("-device", "virtio-serial-pci,id=virtio-serial0");
    add("-device", "virtserialport,bus=virtio-serial0.0,chardev=qga0,name=org.qemu.guest_agent.0");
    Result<util::ChildProcess> qemu =
        util::ChildProcess::Spawn(argv, {.in = util::Redirect::Null(),
                                         .out = util::Redirect::ToFd(log.get()),
                                         .err = util::Redirect::ToFd(log.get())});
    ASSERT_TRUE(qemu) << qemu.error().Text();
    qemu_.emplace(std::move(*qemu));

    const auto started = std::chrono::steady_clock::now();
    Result<GuestConsole> connected = GuestConsole::Connect(console, kBootTimeout);
    ASSERT_TRUE(connected) << connected.error().Text() << "\nQEMU: " << ReadFile(log_);
    console_.emplace(std::move(*connected));
    const auto boot = std::chrono::steady_clock::now() - started;
    RecordProperty(
        "boot_ms",
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(boot).count()));
  }

  // Waits for QEMU to end by itself (the guest powered off); true once it is reaped.
  bool WaitForQemuExit(seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      siginfo_t info{};
      // WNOWAIT: only look; ChildProcess::Wait() does the reaping.
      if (::waitid(P_PID, qemu_->pid(), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
          info.si_pid == qemu_->pid()) {
        return qemu_->Wait().has_value();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  std::optional<util::TempDir> dir_;
  fs::path disk_;
  fs::path agent_socket_;
  fs::path log_;
  std::optional<util::ChildProcess> qemu_;  // declared after dir_: killed before it is removed
  std::optional<GuestConsole> console_;
};

TEST_F(GuestBootTest, RunReturnsTheCommandOutput) {
  Result<std::string> out = console_->Run("echo one; echo two >&2; printf three");

  ASSERT_TRUE(out) << out.error().Text();
  EXPECT_EQ(*out, "one\ntwo\nthree");
}

TEST_F(GuestBootTest, RunFailsWithTheExitStatusAndTheConsoleStaysUsable) {
  Result<std::string> failed = console_->Run(R"(echo "it's"; exit 3)");
  Result<std::string> syntax_error = console_->Run("if then");
  Result<std::string> after = console_->Run("echo still here");

  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code(), ErrorCode::kOperationFailed);
  EXPECT_EQ(failed.error().detail(),
            R"(guest command 'echo "it's"; exit 3' exited with status 3: it's)"
            "\n");
  ASSERT_FALSE(syntax_error);
  EXPECT_NE(syntax_error.error().detail().find("exited with status 2"), std::string::npos)
      << syntax_error.error().detail();
  ASSERT_TRUE(after) << after.error().Text();
  EXPECT_EQ(*after, "still here\n");
}

TEST_F(GuestBootTest, WrittenPatternIsExactlyWhatChangesInTheImage) {
  const std::uint64_t offset = (1 << 20) + 1000;  // not sector-aligned on either end
  const std::uint64_t length = 100'003;

  Status written = console_->WritePattern("vda", offset, length, 42);
  ASSERT_TRUE(written) << written.error().Text();
  ASSERT_TRUE(console_->PowerOff());
  ASSERT_TRUE(WaitForQemuExit(seconds(60))) << "QEMU: " << ReadFile(log_);

  const fs::path raw = dir_->path() / "vda.raw";
  Result<util::CommandOutput> converted = util::RunCommand(
      {"qemu-img", "convert", "-f", "qcow2", "-O", "raw", disk_.string(), raw.string()});
  ASSERT_TRUE(converted && converted->status.Success())
      << (converted ? converted->err : converted.error().Text());
  const std::string image = ReadFile(raw);
  ASSERT_EQ(image.size(), kDiskSize);
  EXPECT_EQ(image.substr(offset, length), GuestPattern(42, offset, length));
  EXPECT_EQ(image.find_first_not_of('\0'), offset);
  EXPECT_EQ(image.find_last_not_of('\0'), offset + length - 1);
}

TEST_F(GuestBootTest, ChecksumMatchesThePatternComputedOnTheHost) {
  const std::uint64_t offset = 4096 * 3 + 7;
  const std::uint64_t length = 70'000;
  Status written = console_->WritePattern("/dev/vda", offset, length, 7);
  ASSERT_TRUE(written) << written.error().Text();
  const fs::path expected = dir_->path() / "expected.bin";
  std::ofstream(expected, std::ios::binary) << GuestPattern(7, offset, length);
  Result<util::CommandOutput> host = util::RunCommand({"sha256sum", expected.string()});
  ASSERT_TRUE(host && host->status.Success());

  Result<std::string> checksum = console_->Checksum("vda", offset, length);

  ASSERT_TRUE(checksum) << checksum.error().Text();
  EXPECT_EQ(*checksum, host->out.substr(0, 64));
}

TEST_F(GuestBootTest, AgentAnswersGuestPing) {
  Result<AgentChannel> agent = AgentChannel::Connect(agent_socket_);
  ASSERT_TRUE(agent) << agent.error().Text();

  Result<std::string> reply = agent->Exchange(R"({"execute":"guest-ping"})");

  ASSERT_TRUE(reply) << reply.error().Text();
  EXPECT_EQ(*reply, R"({"return": {}})");
}

TEST_F(GuestBootTest, AgentFreezesAndThawsAMountedFilesystem) {
  Result<std::string> mounted = console_->Run(
      "mke2fs -F /dev/vda >/dev/null && mkdir -p /mnt/vda && "
      "mount -t ext2 /dev/vda /mnt/vda");
  ASSERT_TRUE(mounted) << mounted.error().Text();
  Result<AgentChannel> agent = AgentChannel::Connect(agent_socket_);
  ASSERT_TRUE(agent) << agent.error().Text();

  Result<std::string> frozen = agent->Exchange(R"({"execute":"guest-fsfreeze-freeze"})");
  Result<std::string> status = agent->Exchange(R"({"execute":"guest-fsfreeze-status"})");
  Result<std::string> thawed = agent->Exchange(R"({"execute":"guest-fsfreeze-thaw"})");

  ASSERT_TRUE(frozen && status && thawed);
  EXPECT_EQ(*frozen, R"({"return": 1})");
  EXPECT_EQ(*status, R"({"return": "frozen"})");
  EXPECT_EQ(*thawed, R"({"return": 1})");
}

}  // namespace
}  // namespace cairn::test
