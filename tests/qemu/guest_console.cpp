#include "guest_console.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace cairn::test {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;
// The guest's tty reads a line of at most 4,095 bytes; quoting can double a command.
constexpr std::size_t kMaxCommand = 2000;
// How long Connect() waits for one probe's answer before sending the next: a probe sent
// before the guest opened its tty is lost, not queued.
constexpr auto kProbeInterval = std::chrono::milliseconds(250);
// How much of the console's last output a boot timeout shows.
constexpr std::size_t kTailShown = 1500;

Error SystemError(std::string message, int err) {
  return Error(ErrorCode::kSystemError, kErr, fmt::format("{}: {}", message, std::strerror(err)));
}

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

// The position of `marker` where it starts a line of `text`, or npos. A marker inside a
// line is some other text ("sh: __CAIRN_SYNC_1: not found" from a probe cut short).
std::size_t FindAtLineStart(const std::string& text, std::string_view marker) {
  for (std::size_t pos = text.find(marker); pos != std::string::npos;
       pos = text.find(marker, pos + 1)) {
    if (pos == 0 || text[pos - 1] == '\n') return pos;
  }
  return std::string::npos;
}

Result<std::string> DevicePath(std::string_view disk) {
  if (disk.empty() ||
      disk.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789/_-") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArg, kErr, fmt::format("invalid guest disk '{}'", disk));
  }
  if (disk.front() == '/') return std::string(disk);
  return fmt::format("/dev/{}", disk);
}

int RemainingMs(std::chrono::steady_clock::time_point deadline) {
  auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
}

}  // namespace

std::string GuestPattern(std::uint32_t seed, std::uint64_t offset, std::uint64_t length) {
  std::string out;
  out.reserve(length);
  const std::uint64_t end = offset + length;
  for (std::uint64_t pos = offset; pos < end;) {
    const std::uint64_t k = pos / 32;
    const std::uint64_t skip = pos % 32;
    const std::string record = fmt::format("{:010} {:020}\n", seed, k);
    const std::uint64_t take = std::min<std::uint64_t>(32 - skip, end - pos);
    out.append(record, skip, take);
    pos += take;
  }
  return out;
}

Result<GuestConsole> GuestConsole::Connect(const std::filesystem::path& socket_path,
                                           Timeout timeout) {
  const auto deadline = Clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket_path.string();
  if (path.size() >= sizeof(addr.sun_path)) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("console socket path '{}' is too long", path));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  util::UniqueFd fd;
  for (;;) {
    fd.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return std::unexpected(SystemError("cannot create a unix socket", errno));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) break;
    const int err = errno;
    if (err != ENOENT && err != ECONNREFUSED && err != EAGAIN) {
      return std::unexpected(SystemError(fmt::format("cannot connect to '{}'", path), err));
    }
    if (Clock::now() >= deadline) {
      return Fail(ErrorCode::kOperationTimeout, kErr,
                  fmt::format("no guest console at '{}' within {} ms", path, timeout.count()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  GuestConsole console(std::move(fd));
  for (int probe = 1;; ++probe) {
    const std::string answer = fmt::format("__CAIRN_SYNC_{}\n", probe);
    // The quotes keep the echoed command line (before the guest turns echo off) from
    // containing the answer.
    if (Status sent = console.Send(fmt::format("echo \"__CAIRN_SY\"\"NC_{}\"\n", probe), deadline);
        !sent) {
      return std::unexpected(sent.error());
    }
    const auto probe_deadline = std::min(deadline, Clock::now() + kProbeInterval);
    for (;;) {
      if (std::size_t pos = FindAtLineStart(console.buffer_, answer); pos != std::string::npos) {
        console.buffer_.erase(0, pos + answer.size());
        return console;
      }
      Result<bool> more = console.ReadSome(probe_deadline);
      if (!more) return std::unexpected(more.error());
      if (!*more) break;
    }
    if (Clock::now() >= deadline) {
      // What the guest printed last says where its boot stopped.
      const std::string& seen = console.buffer_;
      const std::string tail = seen.substr(seen.size() > kTailShown ? seen.size() - kTailShown : 0);
      return Fail(ErrorCode::kOperationTimeout, kErr,
                  fmt::format("the guest shell on '{}' did not answer within {} ms; {} bytes "
                              "from the console, ending: {:?}",
                              path, timeout.count(), seen.size(), tail));
    }
  }
}

Result<std::string> GuestConsole::Run(std::string_view command, Timeout timeout) {
  if (command.size() > kMaxCommand) {
    return Fail(
        ErrorCode::kInvalidArg, kErr,
        fmt::format("guest command of {} bytes is longer than {}", command.size(), kMaxCommand));
  }
  for (unsigned char c : command) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArg, kErr,
                  fmt::format("guest command '{}' has a control character", command));
    }
  }
  const auto deadline = Clock::now() + timeout;
  const int id = next_id_++;
  const std::string begin = fmt::format("__CAIRN_BEGIN_{}\n", id);
  const std::string done = fmt::format("__CAIRN_DONE_{}_", id);
  const std::string line = fmt::format(
      "echo \"__CAIRN_BE\"\"GIN_{0}\"; sh -c {1} </dev/null 2>&1; "
      "echo \"__CAIRN_DO\"\"NE_{0}_$?\"\n",
      id, ShellQuote(command));
  if (Status sent = Send(line, deadline); !sent) return std::unexpected(sent.error());

  for (;;) {
    // The done marker follows the output directly: it need not start a line.
    const std::size_t b = FindAtLineStart(buffer_, begin);
    const std::size_t d = b == std::string::npos ? b : buffer_.find(done, b + begin.size());
    const std::size_t eol = d == std::string::npos ? d : buffer_.find('\n', d);
    if (eol != std::string::npos) {
      std::string output = buffer_.substr(b + begin.size(), d - b - begin.size());
      const std::string status = buffer_.substr(d + done.size(), eol - d - done.size());
      buffer_.erase(0, eol + 1);
      if (status != "0") {
        return Fail(
            ErrorCode::kOperationFailed, kErr,
            fmt::format("guest command '{}' exited with status {}: {}", command, status, output));
      }
      return output;
    }
    Result<bool> more = ReadSome(deadline);
    if (!more) return std::unexpected(more.error());
    if (!*more) {
      return Fail(
          ErrorCode::kOperationTimeout, kErr,
          fmt::format("guest command '{}' did not finish within {} ms", command, timeout.count()));
    }
  }
}

Status GuestConsole::WritePattern(std::string_view disk, std::uint64_t offset, std::uint64_t length,
                                  std::uint32_t seed) {
  Result<std::string> device = DevicePath(disk);
  if (!device) return std::unexpected(device.error());
  const auto timeout = std::chrono::seconds(30 + 5 * ((length + (1 << 20) - 1) >> 20));
  Result<std::string> out =
      Run(fmt::format("cairn-write-pattern {} {} {} {}", *device, offset, length, seed), timeout);
  if (!out) return std::unexpected(out.error());
  return {};
}

Result<std::string> GuestConsole::Checksum(std::string_view disk, std::uint64_t offset,
                                           std::uint64_t length) {
  Result<std::string> device = DevicePath(disk);
  if (!device) return std::unexpected(device.error());
  Result<std::string> out = Run(fmt::format("cairn-checksum {} {} {}", *device, offset, length));
  if (!out) return out;
  if (out->size() != 65 || out->back() != '\n' ||
      out->find_first_not_of("0123456789abcdef") != 64) {
    return Fail(ErrorCode::kInternalError, kErr,
                fmt::format("unexpected checksum output '{}'", *out));
  }
  out->pop_back();
  return out;
}

Status GuestConsole::PowerOff() {
  return Send("sync; poweroff -f\n", Clock::now() + std::chrono::seconds(10));
}

Status GuestConsole::Send(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN)
      return std::unexpected(SystemError("cannot write to the guest console", errno));
    pollfd pfd{.fd = fd_.get(), .events = POLLOUT, .revents = 0};
    if (::poll(&pfd, 1, RemainingMs(deadline)) == 0 && Clock::now() >= deadline) {
      return Fail(ErrorCode::kOperationTimeout, kErr, "the guest console does not take input");
    }
  }
  return {};
}

Result<bool> GuestConsole::ReadSome(Clock::time_point deadline) {
  for (;;) {
    pollfd pfd{.fd = fd_.get(), .events = POLLIN, .revents = 0};
    const int ready = ::poll(&pfd, 1, RemainingMs(deadline));
    if (ready < 0 && errno != EINTR) {
      return std::unexpected(SystemError("cannot poll the guest console", errno));
    }
    if (ready == 0) {
      if (Clock::now() >= deadline) return false;
      continue;  // RemainingMs() caps one wait at a minute
    }
    char chunk[4096];
    const ssize_t n = ::read(fd_.get(), chunk, sizeof(chunk));
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) {
      return Fail(ErrorCode::kSystemError, kErr, "the guest console closed (did QEMU exit?)");
    }
    if (errno != EINTR && errno != EAGAIN) {
      return std::unexpected(SystemError("cannot read the guest console", errno));
    }
  }
}

}  // namespace cairn::test
