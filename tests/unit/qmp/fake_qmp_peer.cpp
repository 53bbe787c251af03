#include "fake_qmp_peer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

namespace cairn::qmp::test {
namespace {

using nlohmann::json;

// Long enough for a loaded machine, short enough that a broken test fails rather than hangs.
constexpr std::chrono::milliseconds kStepTimeout(5000);

void WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went; the test sees that from its side
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string ReplaceId(std::string text, const json& id) {
  const std::string id_text = id.is_null() ? "null" : id.dump();
  for (std::size_t at = text.find("$ID"); at != std::string::npos;
       at = text.find("$ID", at + id_text.size())) {
    text.replace(at, 3, id_text);
  }
  return text;
}

}  // namespace

QmpScript& QmpScript::Greet() { return Send(std::string(kQemu72Greeting) + "\r\n"); }

QmpScript& QmpScript::Handshake() {
  return Greet().Expect({{"execute", "qmp_capabilities"}}).Reply();
}

QmpScript& QmpScript::Send(std::string bytes) {
  steps_.push_back({.kind = Step::Kind::kSend, .text = std::move(bytes)});
  return *this;
}

QmpScript& QmpScript::Expect(json command) {
  steps_.push_back({.kind = Step::Kind::kExpect, .json = std::move(command)});
  return *this;
}

QmpScript& QmpScript::Reply(json value) {
  steps_.push_back({.kind = Step::Kind::kReply, .json = {{"return", std::move(value)}}});
  return *this;
}

QmpScript& QmpScript::ReplyError(std::string error_class, std::string desc) {
  json reply = {{"error", {{"class", std::move(error_class)}, {"desc", std::move(desc)}}}};
  steps_.push_back({.kind = Step::Kind::kReply, .json = std::move(reply)});
  return *this;
}

QmpScript& QmpScript::Event(std::string name, json data) {
  json event = {{"timestamp", {{"seconds", 1700000000}, {"microseconds", 250}}},
                {"event", std::move(name)}};
  if (!data.is_null()) event["data"] = std::move(data);
  return Send(event.dump() + "\r\n");
}

QmpScript& QmpScript::Pause(std::chrono::milliseconds duration) {
  steps_.push_back({.kind = Step::Kind::kPause, .duration = duration});
  return *this;
}

QmpScript& QmpScript::Close() {
  steps_.push_back({.kind = Step::Kind::kClose});
  return *this;
}

std::unique_ptr<FakeQmpPeer> FakeQmpPeer::Start(QmpScript script,
                                                std::chrono::milliseconds listen_delay) {
  Result<util::TempDir> dir = util::TempDir::Create("cairn-qmp-peer");
  if (!dir) return nullptr;
  std::array<int, 2> stop;
  if (::pipe2(stop.data(), O_CLOEXEC) != 0) return nullptr;
  return std::unique_ptr<FakeQmpPeer>(new FakeQmpPeer(std::move(script), std::move(*dir),
                                                      util::UniqueFd(stop[0]),
                                                      util::UniqueFd(stop[1]), listen_delay));
}

FakeQmpPeer::FakeQmpPeer(QmpScript script, util::TempDir dir, util::UniqueFd stop_read,
                         util::UniqueFd stop_write, std::chrono::milliseconds listen_delay)
    : script_(std::move(script)),
      dir_(std::move(dir)),
      socket_path_(dir_.path() / "qmp.sock"),
      stop_read_(std::move(stop_read)),
      stop_write_(std::move(stop_write)) {
  thread_ = std::thread([this, listen_delay] { Run(listen_delay); });
}

FakeQmpPeer::~FakeQmpPeer() {
  (void)::write(stop_write_.get(), "x", 1);
  thread_.join();
  // What came after the last Finish() (or all of it, without one) would otherwise go unseen.
  for (std::size_t i = reported_; i < problems_.size(); ++i) ADD_FAILURE() << problems_[i];
}

std::vector<std::string> FakeQmpPeer::Finish(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!played_cv_.wait_for(lock, timeout, [this] { return played_; })) {
    std::vector<std::string> problems = problems_;
    reported_ = problems_.size();
    problems.push_back("the script was not played to its end");
    return problems;
  }
  reported_ = problems_.size();
  return problems_;
}

void FakeQmpPeer::Problem(std::string text) {
  std::lock_guard lock(mutex_);
  problems_.push_back(std::move(text));
}

void FakeQmpPeer::Run(std::chrono::milliseconds listen_delay) {
  auto finish = [this] {
    std::lock_guard lock(mutex_);
    played_ = true;
    played_cv_.notify_all();
  };
  // A delayed socket: wait, unless the test is already over.
  if (listen_delay.count() > 0 && WaitReadable(stop_read_.get(), listen_delay)) {
    return finish();
  }
  util::UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path_.c_str(), sizeof(address.sun_path) - 1);
  if (!listener ||
      ::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener.get(), 4) != 0) {
    Problem(std::string("cannot listen on the fake QMP socket: ") + std::strerror(errno));
    return finish();
  }
  if (!WaitReadable(listener.get(), kStepTimeout)) {
    Problem("no client connected");
    return finish();
  }
  util::UniqueFd connection(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!connection) {
    Problem(std::string("accept failed: ") + std::strerror(errno));
    return finish();
  }
  Play(connection.get());
  const bool closed =
      !script_.steps_.empty() && script_.steps_.back().kind == QmpScript::Step::Kind::kClose;
  finish();
  if (!closed) Drain(connection.get());
}

void FakeQmpPeer::Play(int connection) {
  using Kind = QmpScript::Step::Kind;
  for (const QmpScript::Step& step : script_.steps_) {
    switch (step.kind) {
      case Kind::kSend:
        WriteAll(connection, ReplaceId(step.text, last_id_));
        break;
      case Kind::kReply: {
        json reply = step.json;
        if (!last_id_.is_null()) reply["id"] = last_id_;
        WriteAll(connection, reply.dump() + "\r\n");
        break;
      }
      case Kind::kExpect: {
        std::string line;
        if (!ReadLine(connection, line, kStepTimeout)) {
          Problem("expected " + step.json.dump() + ", but the client sent nothing");
          return;
        }
        json got = json::parse(line, nullptr, false);
        if (got.is_discarded() || !got.is_object()) {
          Problem("expected " + step.json.dump() + ", got non-JSON '" + line + "'");
          continue;
        }
        if (auto id = got.find("id"); id != got.end()) {
          last_id_ = *id;
          got.erase(id);
        } else {
          Problem("command without an id: " + line);
        }
        if (got != step.json) Problem("expected " + step.json.dump() + ", got " + got.dump());
        break;
      }
      case Kind::kPause:
        if (WaitReadable(stop_read_.get(), step.duration)) return;
        break;
      case Kind::kClose:
        ::shutdown(connection, SHUT_RDWR);
        return;
    }
  }
}

void FakeQmpPeer::Drain(int connection) {
  std::string line;
  // Until the client hangs up or the test ends: anything more is a command nobody expected.
  while (ReadLine(connection, line, std::chrono::hours(1))) {
    Problem("unexpected message after the script: " + line);
  }
}

bool FakeQmpPeer::WaitReadable(int fd, std::chrono::milliseconds timeout) {
  std::array<pollfd, 2> fds = {pollfd{.fd = fd, .events = POLLIN, .revents = 0},
                               pollfd{.fd = stop_read_.get(), .events = POLLIN, .revents = 0}};
  const nfds_t count = fd == stop_read_.get() ? 1 : 2;
  while (true) {
    int ready = ::poll(fds.data(), count, static_cast<int>(timeout.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    if (count == 2 && fds[1].revents != 0) return false;
    return true;
  }
}

bool FakeQmpPeer::ReadLine(int connection, std::string& line, std::chrono::milliseconds timeout) {
  while (true) {
    if (std::size_t end = received_.find('\n'); end != std::string::npos) {
      line = received_.substr(0, end);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      received_.erase(0, end + 1);
      return true;
    }
    if (!WaitReadable(connection, timeout)) return false;
    std::array<char, 4096> buffer;
    ssize_t n = ::recv(connection, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    received_.append(buffer.data(), static_cast<std::size_t>(n));
  }
}

}  // namespace cairn::qmp::test
