#include "qmp/qmp_client.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <utility>

#include "util/unix_socket.hpp"

namespace cairn::qmp {
namespace {

using nlohmann::json;

std::unexpected<Error> SystemError(std::string message, int err) {
  return Fail(ErrorCode::kSystemError, ErrorDomain::kQemu,
              fmt::format("{}: {}", message, std::strerror(err)));
}

// Milliseconds left until `deadline`, rounded up so that poll() never wakes a hair early.
int PollMilliseconds(std::chrono::steady_clock::time_point deadline) {
  auto left = deadline - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<decltype(ms)>(ms, INT_MAX));
}

std::string Abbreviate(std::string_view text) {
  constexpr std::size_t kShown = 200;
  if (text.size() <= kShown) return std::string(text);
  return fmt::format("{}...", text.substr(0, kShown));
}

// QEMU's error text; an error object of unexpected shape is shown whole rather than lost.
std::string ErrorDescription(const json& error) {
  if (error.is_object()) {
    auto desc = error.find("desc");
    if (desc != error.end() && desc->is_string()) return desc->get<std::string>();
  }
  return error.dump();
}

std::optional<Event> ToEvent(const json& message) {
  auto name = message.find("event");
  if (name == message.end() || !name->is_string()) return std::nullopt;
  Event event;
  event.name = name->get<std::string>();
  if (auto data = message.find("data"); data != message.end() && data->is_object()) {
    event.data = *data;
  }
  if (auto stamp = message.find("timestamp"); stamp != message.end() && stamp->is_object()) {
    auto seconds = stamp->find("seconds");
    auto micros = stamp->find("microseconds");
    if (seconds != stamp->end() && seconds->is_number_integer()) {
      event.seconds = seconds->get<std::int64_t>();
    }
    if (micros != stamp->end() && micros->is_number_integer()) {
      event.microseconds = micros->get<std::int64_t>();
    }
  }
  return event;
}

Greeting ToGreeting(const json& qmp) {
  Greeting greeting;
  const json& version = qmp.value("version", json::object());
  const json& qemu = version.is_object() ? version.value("qemu", json::object()) : json::object();
  auto number = [&](const char* key) {
    auto it = qemu.find(key);
    return it != qemu.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  greeting.major = number("major");
  greeting.minor = number("minor");
  greeting.micro = number("micro");
  if (auto package = version.find("package"); package != version.end() && package->is_string()) {
    greeting.package = package->get<std::string>();
  }
  if (auto caps = qmp.find("capabilities"); caps != qmp.end() && caps->is_array()) {
    for (const json& cap : *caps) {
      if (cap.is_string()) greeting.capabilities.push_back(cap.get<std::string>());
    }
  }
  return greeting;
}

}  // namespace

QmpClient::QmpClient(util::UniqueFd fd, std::filesystem::path socket_path)
    : fd_(std::move(fd)), socket_path_(std::move(socket_path)) {}

Result<QmpClient> QmpClient::Connect(const std::filesystem::path& socket_path,
                                     std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  const std::string& path = socket_path.native();
  if (!util::UnixSocketAddress(path)) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                fmt::format("QMP socket path '{}' is too long for a unix socket", path));
  }

  auto retry_delay = std::chrono::milliseconds(1);
  while (true) {
    std::expected<util::UniqueFd, int> fd = util::ConnectUnixSocket(path, /*nonblocking=*/true);
    if (fd) {
      QmpClient client(std::move(*fd), socket_path);
      // The negotiation goes out before the greeting is in: one round trip, not two. QEMU
      // reads a new client's input only after it has set the connection up for negotiation
      // (and greeted), so the command cannot meet the last client's state.
      const std::int64_t id = client.next_id_;
      Result<std::string> line = client.EncodeCommand("qmp_capabilities", nullptr);
      if (!line) return std::unexpected(line.error());
      if (Status sent = client.WriteAll(*line, "qmp_capabilities", deadline); !sent) {
        return std::unexpected(sent.error());
      }
      if (Status greeted = client.ReadGreeting(deadline, timeout); !greeted) {
        return std::unexpected(greeted.error());
      }
      if (auto negotiated = client.AwaitReply(id, "qmp_capabilities", deadline, timeout);
          !negotiated) {
        return std::unexpected(negotiated.error());
      }
      return client;
    }
    // Not there yet (QEMU still starting) or a full backlog: both pass with time.
    const int err = fd.error();
    if (err != ENOENT && err != ECONNREFUSED && err != EAGAIN && err != EINTR) {
      return SystemError(fmt::format("cannot connect to QMP socket '{}'", path), err);
    }
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kQemu,
                  fmt::format("cannot connect to QMP socket '{}' within {} ms: {}", path,
                              timeout.count(), std::strerror(err)));
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(retry_delay, deadline - now));
    retry_delay = std::min(retry_delay * 2, std::chrono::milliseconds(100));
  }
}

Status QmpClient::ReadGreeting(Clock::time_point deadline, std::chrono::milliseconds timeout) {
  Result<std::optional<json>> message = ReadMessage(deadline, "the QMP greeting");
  // QEMU can send an event before the greeting: its monitor thread accepts the connection
  // while the main thread, still seeing the last client's negotiated session, emits the event
  // (seen with BLOCK_JOB_COMPLETED while a client polled a backup job). The event happened
  // on this connection's watch, so it is queued like any other.
  while (message && *message) {
    std::optional<Event> early = ToEvent(**message);
    if (!early) break;
    Queue(std::move(*early));
    message = ReadMessage(deadline, "the QMP greeting");
  }
  if (!message) return std::unexpected(message.error());
  if (!*message) {
    return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kQemu,
                fmt::format("no QMP greeting on '{}' within {} ms; QEMU greets one client at a "
                            "time, is another one connected?",
                            socket_path_.native(), timeout.count()));
  }
  auto qmp = (*message)->find("QMP");
  if (qmp == (*message)->end() || !qmp->is_object()) {
    return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                fmt::format("QEMU did not greet with QMP on '{}': '{}'", socket_path_.native(),
                            Abbreviate((*message)->dump())));
  }
  greeting_ = ToGreeting(*qmp);
  return {};
}

Result<json> QmpClient::Execute(std::string_view command, const json& arguments) {
  return Execute(command, arguments, command_timeout_);
}

Result<json> QmpClient::Execute(std::string_view command, const json& arguments,
                                std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  if (closed_) return ClosedCommandError(command);
  const std::int64_t id = next_id_;
  Result<std::string> line = EncodeCommand(command, arguments);
  if (!line) return std::unexpected(line.error());
  if (Status sent = WriteAll(*line, command, deadline); !sent) return std::unexpected(sent.error());
  return AwaitReply(id, command, deadline, timeout);
}

Result<std::vector<Result<json>>> QmpClient::ExecuteAll(std::span<const Command> commands) {
  const std::chrono::milliseconds timeout = command_timeout_;
  const Clock::time_point deadline = Clock::now() + timeout;
  if (commands.empty()) return std::vector<Result<json>>{};
  if (closed_) return ClosedCommandError(commands.front().command);
  const std::int64_t first_id = next_id_;
  std::string lines;
  for (const Command& c : commands) {
    Result<std::string> line = EncodeCommand(c.command, c.arguments);
    if (!line) return std::unexpected(line.error());
    lines += *line;
  }
  if (Status sent = WriteAll(lines, commands.front().command, deadline); !sent) {
    return std::unexpected(sent.error());
  }
  std::vector<Result<json>> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    Result<json> reply =
        AwaitReply(first_id + static_cast<std::int64_t>(i), commands[i].command, deadline, timeout);
    // QEMU's own refusal belongs to that command; anything else ends the conversation.
    if (!reply && reply.error().code() != ErrorCode::kInternalError) {
      return std::unexpected(reply.error());
    }
    replies.push_back(std::move(reply));
  }
  return replies;
}

std::unexpected<Error> QmpClient::ClosedCommandError(std::string_view command) const {
  return Fail(ErrorCode::kOperationFailed, ErrorDomain::kQemu,
              fmt::format("cannot execute QEMU command '{}': the monitor connection '{}' is "
                          "closed",
                          command, socket_path_.native()));
}

Result<std::string> QmpClient::EncodeCommand(std::string_view command, const json& arguments) {
  json request = {{"execute", command}, {"id", next_id_}};
  if (!arguments.is_null() && !(arguments.is_object() && arguments.empty())) {
    request["arguments"] = arguments;
  }
  std::string line;
  try {
    line = request.dump();
  } catch (const json::exception& e) {  // a string that is not UTF-8
    return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                fmt::format("cannot encode QEMU command '{}': {}", command, e.what()));
  }
  ++next_id_;
  return line + "\r\n";
}

Result<json> QmpClient::AwaitReply(std::int64_t id, std::string_view command,
                                   Clock::time_point deadline, std::chrono::milliseconds timeout) {
  const std::string awaiting = fmt::format("the reply to '{}'", command);
  while (true) {
    Result<std::optional<json>> message = ReadMessage(deadline, awaiting);
    if (!message) return std::unexpected(message.error());
    if (!*message) {
      return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kQemu,
                  fmt::format("no reply from QEMU to '{}' within {} ms", command, timeout.count()));
    }
    json& reply = **message;
    if (std::optional<Event> event = ToEvent(reply)) {
      Queue(std::move(*event));
      continue;
    }
    if (!reply.contains("return") && !reply.contains("error")) continue;
    // QEMU echoes the id; another id is the late reply to a command that timed out.
    if (auto echoed = reply.find("id"); echoed != reply.end() && *echoed != json(id)) continue;
    if (auto error = reply.find("error"); error != reply.end()) {
      return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                  fmt::format("unable to execute QEMU command '{}': {}", command,
                              ErrorDescription(*error)));
    }
    return std::move(reply["return"]);
  }
}

Result<Event> QmpClient::WaitForEvent(std::string_view name, std::chrono::milliseconds timeout) {
  return WaitForEvent(
      fmt::format("event '{}'", name), [name](const Event& event) { return event.name == name; },
      timeout);
}

Result<Event> QmpClient::WaitForEvent(std::string_view description,
                                      const std::function<bool(const Event&)>& match,
                                      std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  auto queued = std::find_if(events_.begin(), events_.end(), match);
  if (queued != events_.end()) {
    Event event = std::move(*queued);
    events_.erase(queued);
    return event;
  }
  while (true) {
    Result<std::optional<json>> message = ReadMessage(deadline, description);
    if (!message) return std::unexpected(message.error());
    if (!*message) {
      return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kQemu,
                  fmt::format("no {} from QEMU within {} ms", description, timeout.count()));
    }
    std::optional<Event> event = ToEvent(**message);
    if (!event) continue;  // a late reply: no command is waiting for it
    if (match(*event)) return std::move(*event);
    Queue(std::move(*event));
  }
}

Status QmpClient::ReadEvents(std::chrono::milliseconds wait) {
  const Clock::time_point deadline = Clock::now() + wait;
  while (true) {
    Result<std::optional<json>> message = ReadMessage(deadline, "events");
    if (!message) return std::unexpected(message.error());
    if (!*message) return {};
    if (std::optional<Event> event = ToEvent(**message)) Queue(std::move(*event));
  }
}

std::vector<Event> QmpClient::TakeEvents() {
  std::vector<Event> taken(std::make_move_iterator(events_.begin()),
                           std::make_move_iterator(events_.end()));
  events_.clear();
  return taken;
}

void QmpClient::Queue(Event event) {
  if (events_.size() >= kMaxQueuedEvents) {
    events_.pop_front();
    ++dropped_events_;
  }
  events_.push_back(std::move(event));
}

Status QmpClient::SendFd(int fd, std::string_view fd_name) {
  fd_to_pass_ = fd;
  Result<json> reply = Execute("getfd", {{"fdname", fd_name}});
  fd_to_pass_ = -1;
  if (!reply) return std::unexpected(reply.error());
  return {};
}

Status QmpClient::WriteAll(std::string_view bytes, std::string_view command,
                           Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n;
    if (fd_to_pass_ >= 0 && done == 0) {
      // The descriptor rides on the command's first byte(s), as QEMU's monitor expects.
      iovec data{.iov_base = const_cast<char*>(bytes.data()), .iov_len = bytes.size()};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
      msghdr message{};
      message.msg_iov = &data;
      message.msg_iovlen = 1;
      message.msg_control = control;
      message.msg_controllen = sizeof control;
      cmsghdr* rights = CMSG_FIRSTHDR(&message);
      rights->cmsg_level = SOL_SOCKET;
      rights->cmsg_type = SCM_RIGHTS;
      rights->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(rights), &fd_to_pass_, sizeof(int));
      n = ::sendmsg(fd_.get(), &message, MSG_NOSIGNAL);
      if (n > 0) fd_to_pass_ = -1;
    } else {
      n = ::send(fd_.get(), bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    }
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      pollfd writable{.fd = fd_.get(), .events = POLLOUT, .revents = 0};
      int ready = ::poll(&writable, 1, PollMilliseconds(deadline));
      if (ready < 0 && errno != EINTR) return SystemError("cannot wait for the QMP socket", errno);
      if (ready == 0) {
        // Half a command on the wire cannot be taken back: the stream is lost for good.
        if (done > 0) {
          closed_ = true;
          fd_.reset();
        }
        return Fail(ErrorCode::kOperationTimeout, ErrorDomain::kQemu,
                    fmt::format("QEMU did not accept '{}' on '{}' in time", command,
                                socket_path_.native()));
      }
      continue;
    }
    if (err == EPIPE || err == ECONNRESET) {
      // Keep what QEMU said before it went (a SHUTDOWN event, say) for WaitForEvent().
      (void)ReadEvents();
      closed_ = true;
      fd_.reset();
      return Fail(ErrorCode::kOperationFailed, ErrorDomain::kQemu,
                  fmt::format("QEMU closed the monitor connection '{}' before '{}' was sent",
                              socket_path_.native(), command));
    }
    return SystemError(
        fmt::format("cannot send '{}' to QMP socket '{}'", command, socket_path_.native()), err);
  }
  return {};
}

Result<std::optional<json>> QmpClient::ReadMessage(Clock::time_point deadline,
                                                   std::string_view awaiting) {
  while (true) {
    if (std::optional<std::string> line = framer_.Next()) {
      json message = json::parse(*line, nullptr, /*allow_exceptions=*/false);
      if (message.is_discarded() || !message.is_object()) {
        return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                    fmt::format("cannot parse QMP message from QEMU: '{}'", Abbreviate(*line)));
      }
      return message;
    }
    if (closed_) return ClosedError(awaiting);
    if (framer_.overflowed()) {
      closed_ = true;
      fd_.reset();
      return Fail(ErrorCode::kInternalError, ErrorDomain::kQemu,
                  fmt::format("QEMU sent a QMP message longer than {} bytes on '{}'",
                              kMaxQmpMessageBytes, socket_path_.native()));
    }
    Result<bool> filled = Fill(deadline);
    if (!filled) return std::unexpected(filled.error());
    if (!*filled) return std::optional<json>();
  }
}

Result<bool> QmpClient::Fill(Clock::time_point deadline) {
  while (true) {
    pollfd readable{.fd = fd_.get(), .events = POLLIN, .revents = 0};
    int ready = ::poll(&readable, 1, PollMilliseconds(deadline));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return SystemError("cannot wait for the QMP socket", errno);
    }
    if (ready == 0) return false;
    std::array<char, 64 * 1024> buffer;
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n > 0) {
      framer_.Append(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      return true;
    }
    // After "quit" QEMU resets rather than closes the connection (it leaves our last bytes
    // unread); both mean it is gone.
    if (n == 0 || errno == ECONNRESET) {
      closed_ = true;
      fd_.reset();
      return true;
    }
    if (errno == EAGAIN || errno == EINTR) continue;
    return SystemError(fmt::format("cannot read from QMP socket '{}'", socket_path_.native()),
                       errno);
  }
}

std::unexpected<Error> QmpClient::ClosedError(std::string_view awaiting) const {
  return Fail(ErrorCode::kOperationFailed, ErrorDomain::kQemu,
              fmt::format("QEMU closed the monitor connection '{}' while waiting for {}",
                          socket_path_.native(), awaiting));
}

}  // namespace cairn::qmp
