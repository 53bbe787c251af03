// QEMU guest agent client: connect, guest-sync, commands, freeze/thaw. Every byte read here
// comes from the guest, so nothing it sends may throw, grow without bound or wait forever.
#include "drivers/qemu/guest_agent.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstring>
#include <random>

#include "util/unix_socket.hpp"

namespace cairn::drivers::qemu {
namespace {

using Clock = std::chrono::steady_clock;

std::unexpected<Error> NotResponding(std::string_view why) {
  return Fail(ErrorCode::kAgentUnresponsive, ErrorDomain::kQemu, std::string(why));
}

std::unexpected<Error> Malformed(std::string_view command, std::string_view what) {
  return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
              fmt::format("QEMU guest agent sent {} in reply to '{}'", what, command));
}

int MillisecondsLeft(Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<std::int64_t>(left, 1 << 30));
}

}  // namespace

Result<GuestAgent> GuestAgent::Connect(const std::filesystem::path& socket,
                                       std::chrono::milliseconds timeout) {
  std::expected<util::UniqueFd, int> fd = util::ConnectUnixSocket(socket.string());
  if (!fd && fd.error() == ENAMETOOLONG) {
    return NotResponding(fmt::format("agent socket path '{}' is too long", socket.string()));
  }
  if (!fd) return NotResponding("QEMU guest agent is not connected");
  GuestAgent agent(std::move(*fd));
  // guest-sync with a fresh id: everything before our id's echo is someone else's.
  std::random_device rd;
  nlohmann::json id = static_cast<std::int64_t>(rd() & 0x7fffffff);
  nlohmann::json sync = {{"execute", "guest-sync"}, {"arguments", {{"id", id}}}};
  if (Status ok = agent.Send(sync, timeout); !ok) return std::unexpected(ok.error());
  Result<nlohmann::json> reply = agent.ReadReply("guest-sync", timeout, &id);
  if (!reply) return std::unexpected(reply.error());
  return agent;
}

Status GuestAgent::Send(const nlohmann::json& message, std::chrono::milliseconds timeout) {
  // A guest that stops reading must not hold us: each write waits at most until the deadline.
  const auto deadline = Clock::now() + timeout;
  std::string line = message.dump() + "\n";
  std::size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::send(fd_.get(), line.data() + off, line.size() - off,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_.get(), POLLOUT, 0};
      int left = MillisecondsLeft(deadline);
      if (left == 0 || (::poll(&p, 1, left) == 0 && MillisecondsLeft(deadline) == 0)) {
        return NotResponding(fmt::format("QEMU guest agent did not take '{}' within {} ms",
                                         message.value("execute", ""), timeout.count()));
      }
      continue;
    }
    if (n <= 0) return NotResponding("QEMU guest agent is not connected");
    off += static_cast<std::size_t>(n);
  }
  return {};
}

// One line from the guest: nothing when it is not ours to take (noise, a stale reply), the
// reply's "return" member, or an Error for a reply of the wrong shape.
Result<std::optional<nlohmann::json>> GuestAgent::TakeReply(std::string_view command,
                                                            const std::string& raw,
                                                            const nlohmann::json* sync_id) {
  // qemu-ga may send a 0xFF sentinel byte before the reply to guest-sync-delimited.
  std::size_t skip = 0;
  while (skip < raw.size() && static_cast<unsigned char>(raw[skip]) == 0xff) ++skip;
  nlohmann::json msg =
      nlohmann::json::parse(raw.begin() + static_cast<std::ptrdiff_t>(skip), raw.end(), nullptr,
                            /*allow_exceptions=*/false);
  if (msg.is_discarded() || !msg.is_object()) return std::optional<nlohmann::json>();
  auto ret = msg.find("return");
  if (sync_id != nullptr) {
    // Before our id comes back, anything (an earlier client's reply, an error) is stale.
    if (ret != msg.end() && *ret == *sync_id) return std::optional<nlohmann::json>(*ret);
    return std::optional<nlohmann::json>();
  }
  if (auto err = msg.find("error"); err != msg.end()) {
    if (!err->is_object()) return Malformed(command, "an error that is not an object");
    auto desc = err->find("desc");
    std::string text = "unknown error";
    if (desc != err->end()) {
      if (!desc->is_string()) return Malformed(command, "an error whose 'desc' is not a string");
      text = desc->get<std::string>();
    }
    return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                fmt::format("unable to execute QEMU agent command '{}': {}", command, text));
  }
  if (ret != msg.end()) return std::optional<nlohmann::json>(*ret);
  return std::optional<nlohmann::json>();  // an event or noise: not a reply
}

Result<nlohmann::json> GuestAgent::ReadReply(std::string_view command,
                                             std::chrono::milliseconds timeout,
                                             const nlohmann::json* sync_id) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    while (std::optional<std::string> line = framer_.Next()) {
      Result<std::optional<nlohmann::json>> reply = TakeReply(command, *line, sync_id);
      if (!reply) return std::unexpected(reply.error());
      if (*reply) return std::move(**reply);
    }
    if (framer_.overflowed()) {
      fd_.reset();  // the stream cannot be resynchronised; no later command may use it
      return Malformed(command, fmt::format("a line longer than {} bytes", framer_.max_line()));
    }
    int left = MillisecondsLeft(deadline);
    if (left == 0) {
      return NotResponding(fmt::format("no reply to '{}' within {} ms", command, timeout.count()));
    }
    pollfd p{fd_.get(), POLLIN, 0};
    int r = ::poll(&p, 1, left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd_.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return NotResponding("QEMU guest agent is not connected");
    framer_.Append(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

Result<nlohmann::json> GuestAgent::Execute(std::string_view command,
                                           std::chrono::milliseconds timeout) {
  return Execute(command, nullptr, timeout);
}

Result<nlohmann::json> GuestAgent::Execute(std::string_view command,
                                           const nlohmann::json& arguments,
                                           std::chrono::milliseconds timeout) {
  if (!fd_) return NotResponding("QEMU guest agent is not connected");
  // nlohmann's allocation or dump may throw; none of it may cross into the caller.
  try {
    nlohmann::json message = {{"execute", command}};
    if (!arguments.is_null()) message["arguments"] = arguments;
    if (Status ok = Send(message, timeout); !ok) {
      return std::unexpected(ok.error());
    }
    return ReadReply(command, timeout, nullptr);
  } catch (const std::exception& e) {
    return Malformed(command, fmt::format("a reply that could not be read ({})", e.what()));
  }
}

Status GuestAgent::ExecuteUnanswered(std::string_view command, const nlohmann::json& arguments,
                                     std::chrono::milliseconds error_window) {
  if (!fd_) return NotResponding("QEMU guest agent is not connected");
  try {
    nlohmann::json message = {{"execute", command}};
    if (!arguments.is_null()) message["arguments"] = arguments;
    if (Status ok = Send(message, error_window); !ok) return ok;
    Result<nlohmann::json> reply = ReadReply(command, error_window, nullptr);
    if (reply) return {};  // an unexpected success reply is still success
    // Silence and a channel the guest closed by going down both mean it took the command.
    if (reply.error().code() == ErrorCode::kAgentUnresponsive) return {};
    return std::unexpected(reply.error());
  } catch (const std::exception& e) {
    return Malformed(command, fmt::format("a reply that could not be read ({})", e.what()));
  }
}

Result<std::int64_t> GuestAgent::ExecuteForCount(std::string_view command,
                                                 const nlohmann::json& arguments,
                                                 std::chrono::milliseconds timeout) {
  Result<nlohmann::json> r = Execute(command, arguments, timeout);
  if (!r) return std::unexpected(r.error());
  if (!r->is_number_integer()) return Malformed(command, "a return value that is not an integer");
  return r->get<std::int64_t>();
}

Result<FrozenGuest> FrozenGuest::Freeze(const std::filesystem::path& socket) {
  Result<GuestAgent> agent = GuestAgent::Connect(socket);
  if (!agent) return std::unexpected(agent.error());
  return Freeze(std::move(*agent));
}

Result<FrozenGuest> FrozenGuest::Freeze(GuestAgent agent) {
  Result<std::int64_t> frozen = agent.ExecuteForCount("guest-fsfreeze-freeze");
  if (!frozen) {
    // A freeze can fail half-way; thawing what was frozen is always safe.
    (void)agent.ExecuteForCount("guest-fsfreeze-thaw");
    return std::unexpected(frozen.error());
  }
  return FrozenGuest(std::move(agent));
}

Status FrozenGuest::Thaw() {
  if (!agent_) return {};
  Result<std::int64_t> r = agent_->ExecuteForCount("guest-fsfreeze-thaw");
  agent_.reset();
  if (!r) return std::unexpected(r.error());
  return {};
}

FrozenGuest::~FrozenGuest() {
  try {
    (void)Thaw();
  } catch (...) {  // a destructor that throws would end the process
  }
}

}  // namespace cairn::drivers::qemu
