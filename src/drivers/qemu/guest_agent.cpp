// QEMU guest agent client: connect, guest-sync, commands, freeze/thaw.
#include "drivers/qemu/guest_agent.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstring>
#include <random>
#include <thread>

namespace cairn::drivers::qemu {
namespace {

using Clock = std::chrono::steady_clock;

std::unexpected<Error> NotResponding(std::string_view why) {
  return Fail(ErrorCode::kAgentUnresponsive, ErrorDomain::kQemu, std::string(why));
}

}  // namespace

Result<GuestAgent> GuestAgent::Connect(const std::filesystem::path& socket,
                                       std::chrono::milliseconds timeout) {
  util::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return NotResponding(fmt::format("cannot create socket: {}", std::strerror(errno)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = socket.string();
  if (path.size() >= sizeof(addr.sun_path)) {
    return NotResponding(fmt::format("agent socket path '{}' is too long", path));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return NotResponding("QEMU guest agent is not connected");
  }
  GuestAgent agent(std::move(fd));
  // guest-sync with a fresh id: everything before our id's echo is someone else's.
  std::random_device rd;
  nlohmann::json id = static_cast<std::int64_t>(rd() & 0x7fffffff);
  if (Status ok = agent.Send({{"execute", "guest-sync"}, {"arguments", {{"id", id}}}}); !ok) {
    return std::unexpected(ok.error());
  }
  Result<nlohmann::json> reply = agent.ReadReply("guest-sync", timeout, &id);
  if (!reply) return std::unexpected(reply.error());
  return agent;
}

Status GuestAgent::Send(const nlohmann::json& message) {
  std::string line = message.dump() + "\n";
  std::size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::send(fd_.get(), line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return NotResponding("QEMU guest agent is not connected");
    off += static_cast<std::size_t>(n);
  }
  return {};
}

Result<nlohmann::json> GuestAgent::ReadReply(std::string_view command,
                                             std::chrono::milliseconds timeout,
                                             const nlohmann::json* sync_id) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    std::size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      // qemu-ga may send a 0xFF sentinel byte before the reply to guest-sync-delimited.
      while (!line.empty() && (static_cast<unsigned char>(line.front()) == 0xff)) line.erase(0, 1);
      nlohmann::json msg = nlohmann::json::parse(line, nullptr, false);
      if (msg.is_discarded() || !msg.is_object()) continue;
      if (sync_id != nullptr) {
        if (msg.contains("return") && msg["return"] == *sync_id) return msg["return"];
        continue;  // a stale reply of an earlier client
      }
      if (msg.contains("error")) {
        return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                    fmt::format("unable to execute QEMU agent command '{}': {}", command,
                                msg["error"].value("desc", "unknown error")));
      }
      if (msg.contains("return")) return msg["return"];
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return NotResponding(fmt::format("no reply to '{}' within {} ms", command, timeout.count()));
    }
    pollfd p{fd_.get(), POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd_.get(), buf, sizeof(buf));
    if (n <= 0) return NotResponding("QEMU guest agent is not connected");
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

Result<nlohmann::json> GuestAgent::Execute(std::string_view command,
                                           std::chrono::milliseconds timeout) {
  if (Status ok = Send({{"execute", command}}); !ok) return std::unexpected(ok.error());
  return ReadReply(command, timeout, nullptr);
}

Result<FrozenGuest> FrozenGuest::Freeze(const std::filesystem::path& socket) {
  Result<GuestAgent> agent = GuestAgent::Connect(socket);
  if (!agent) return std::unexpected(agent.error());
  Result<nlohmann::json> frozen = agent->Execute("guest-fsfreeze-freeze");
  if (!frozen) {
    // A freeze can fail half-way; thawing what was frozen is always safe.
    (void)agent->Execute("guest-fsfreeze-thaw");
    return std::unexpected(frozen.error());
  }
  return FrozenGuest(std::move(*agent));
}

Status FrozenGuest::Thaw() {
  if (!agent_) return {};
  Result<nlohmann::json> r = agent_->Execute("guest-fsfreeze-thaw");
  agent_.reset();
  if (!r) return std::unexpected(r.error());
  return {};
}

FrozenGuest::~FrozenGuest() { (void)Thaw(); }

}  // namespace cairn::drivers::qemu
