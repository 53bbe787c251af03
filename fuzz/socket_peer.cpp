#include "socket_peer.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace cairn::fuzz {
namespace {

// A session that sees nothing from its client for this long gives up (a client that failed
// before connecting, or one stuck on a bug the fuzzer should report as a timeout instead).
constexpr int kIdleMilliseconds = 5000;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "socket_peer: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

bool WaitFor(int fd, short events) {
  pollfd p{.fd = fd, .events = events, .revents = 0};
  int r;
  do {
    r = ::poll(&p, 1, kIdleMilliseconds);
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

// Writes everything unless the client went away; pieces of 1 to 64 bytes, then larger ones,
// in a fixed pseudo-random pattern so a run is reproducible.
void SendAll(int fd, std::string_view bytes) {
  std::uint32_t state = static_cast<std::uint32_t>(bytes.size()) * 2654435761u + 1;
  std::size_t off = 0;
  while (off < bytes.size()) {
    state = state * 1664525u + 1013904223u;
    std::size_t piece = (state >> 24) < 192 ? 1 + (state >> 8) % 64 : 4096;
    piece = std::min(piece, bytes.size() - off);
    ssize_t n = ::send(fd, bytes.data() + off, piece, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EPIPE: the client gave up early, which is its right
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

SocketPeer::SocketPeer(std::filesystem::path socket_path) : path_(std::move(socket_path)) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string& path = path_.native();
  if (path.size() >= sizeof(address.sun_path)) Die("socket path too long");
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  ::unlink(path.c_str());
  listener_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener_) Die("socket");
  if (::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    Die("bind");
  }
  if (::listen(listener_.get(), 4) != 0) Die("listen");
}

SocketPeer::~SocketPeer() {
  Finish();
  ::unlink(path_.c_str());
}

void SocketPeer::Serve(std::string bytes, AfterFirstLine after_first_line) {
  Finish();
  session_ = std::thread(&SocketPeer::Session, this, std::move(bytes), std::move(after_first_line));
}

void SocketPeer::Finish() {
  if (session_.joinable()) session_.join();
}

void SocketPeer::Session(std::string bytes, AfterFirstLine after_first_line) {
  if (!WaitFor(listener_.get(), POLLIN)) return;
  util::UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!client) return;
  std::string received;
  char buffer[4096];
  if (after_first_line) {
    std::size_t end;
    while ((end = received.find('\n')) == std::string::npos) {
      if (!WaitFor(client.get(), POLLIN)) return;
      ssize_t n = ::read(client.get(), buffer, sizeof buffer);
      if (n <= 0) return;
      received.append(buffer, static_cast<std::size_t>(n));
    }
    bytes = after_first_line(std::string_view(received).substr(0, end), std::move(bytes));
  }
  SendAll(client.get(), bytes);
  ::shutdown(client.get(), SHUT_WR);
  // Read what the client sends until it hangs up: closing with unread bytes would reset the
  // connection, which is a different peer behaviour than the one this session plays.
  while (WaitFor(client.get(), POLLIN)) {
    ssize_t n = ::read(client.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
  }
}

}  // namespace cairn::fuzz
