// qmp/qmp_client.hpp — QmpClient, one connection to a QEMU monitor speaking QMP.
//
// Connect() waits for the socket, greets and negotiates; Execute() runs one command at a time
// and returns its "return" value, queueing in arrival order the events that come meanwhile;
// ExecuteAll() sends independent commands in one round trip.
// Single-threaded: one thread owns a QmpClient (a moved-from one may only be destroyed or
// assigned). No fd passing, no out-of-band commands; knows nothing of domains or checkpoints.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"
#include "qmp/line_framer.hpp"
#include "util/unique_fd.hpp"

namespace cairn::qmp {

// A message longer than this without a line end means the stream is not QMP; the biggest
// real replies (query-qmp-schema, query-named-block-nodes with many nodes) are a few MiB.
inline constexpr std::size_t kMaxQmpMessageBytes = 64 * 1024 * 1024;

// Default: how long Connect() waits for QEMU to create the socket and greet.
inline constexpr std::chrono::milliseconds kDefaultConnectTimeout{10'000};
// Default: how long Execute() waits for a reply. Block jobs run in the background and report
// through events, so no command Cairn sends should take anywhere near this long.
inline constexpr std::chrono::milliseconds kDefaultCommandTimeout{30'000};

// What QEMU says about itself in its greeting.
struct Greeting {
  int major = 0;
  int minor = 0;
  int micro = 0;
  std::string package;                    // distribution build, e.g. "Debian 1:7.2+dfsg-7"
  std::vector<std::string> capabilities;  // offered, not enabled: e.g. "oob"
};

// An asynchronous QMP event, e.g. JOB_STATUS_CHANGE {"id": "bk0", "status": "concluded"}.
struct Event {
  std::string name;
  nlohmann::json data = nlohmann::json::object();  // empty object when QEMU sends none (STOP)
  std::int64_t seconds = 0;                        // QEMU's host wall-clock timestamp
  std::int64_t microseconds = 0;
};

// Error contract, shared by every call below (all with ErrorDomain::kQemu):
//   kInternalError     QEMU answered with an error: "unable to execute QEMU command 'X':
//                      <QEMU's desc>", libvirt's wording; or QEMU sent something that is not
//                      QMP ("cannot parse QMP message from QEMU: ...").
//   kOperationTimeout  nothing came in time. The connection stays usable (a reply that comes
//                      later is recognised by its id and dropped), unless QEMU stopped reading
//                      halfway through a command: that cannot be taken back, so it closes.
//   kOperationFailed   QEMU closed the connection (usually: the QEMU process exited). Every
//                      later call fails the same way; events received before stay queued.
//   kSystemError       the socket failed otherwise (message carries strerror).
class QmpClient {
 public:
  // Connects to the QMP unix socket at `socket_path`, retrying while the socket does not exist
  // or refuses connections (QEMU creates it shortly after it starts), then reads the greeting
  // and sends qmp_capabilities. `timeout` bounds all of it. QEMU serves one QMP client at a
  // time: a second client is accepted by the kernel but greeted only once the first one
  // disconnects, so a greeting that never comes is reported as a timeout that says so.
  // Fails with kOperationTimeout, kSystemError (socket errors other than "not there yet"),
  // kInternalError (path too long, no greeting, capabilities refused) or kOperationFailed.
  static Result<QmpClient> Connect(const std::filesystem::path& socket_path,
                                   std::chrono::milliseconds timeout = kDefaultConnectTimeout);

  // Closes the connection; QEMU then accepts its next client.
  ~QmpClient() = default;
  QmpClient(QmpClient&&) noexcept = default;
  QmpClient& operator=(QmpClient&&) noexcept = default;
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  // Sends {"execute": command, "arguments": arguments, "id": N} and waits for the reply with
  // id N; "arguments" is left out when `arguments` is null or an empty object. Returns the
  // reply's "return" value (an empty object for most commands). Events read while waiting are
  // queued. Errors: see the contract above.
  Result<nlohmann::json> Execute(std::string_view command,
                                 const nlohmann::json& arguments = nullptr);
  Result<nlohmann::json> Execute(std::string_view command, const nlohmann::json& arguments,
                                 std::chrono::milliseconds timeout);

  // One command of ExecuteAll().
  struct Command {
    std::string_view command;
    nlohmann::json arguments = nullptr;
  };
  // Sends every command in one write and reads their replies in order: one round trip for
  // the lot. QEMU runs them one after the other and a refused one does not stop the rest,
  // so each command has its own result (QEMU's refusal: kInternalError as from Execute()).
  // The whole call fails, with Execute()'s errors, when the connection does (a timeout
  // counts from the start, with command_timeout()). For commands that do not depend on each
  // other's answers.
  Result<std::vector<Result<nlohmann::json>>> ExecuteAll(std::span<const Command> commands);

  // getfd: hands QEMU a copy of descriptor `fd` (SCM_RIGHTS with the command), which QMP
  // commands then name `fd_name` (nbd-server-start's {"type": "fd"} address). The caller
  // keeps `fd`. Errors: those of Execute().
  Status SendFd(int fd, std::string_view fd_name);

  // Returns the first queued event named `name`, removing it from the queue (other events keep
  // their order), or reads from QEMU until one arrives, queueing the others. `timeout` of zero
  // only looks at what is queued or already readable. Fails with kOperationTimeout naming the
  // event, or kOperationFailed once the connection is closed and no such event is queued.
  Result<Event> WaitForEvent(std::string_view name, std::chrono::milliseconds timeout);

  // The same with any condition; `description` names what is awaited in a timeout message
  // ("JOB_STATUS_CHANGE concluded for 'bk0'").
  Result<Event> WaitForEvent(std::string_view description,
                             const std::function<bool(const Event&)>& match,
                             std::chrono::milliseconds timeout);

  // Reads whatever QEMU sends within `wait` (zero: only what is already readable) and queues
  // its events; for callers that poll with TakeEvents(). Fails like WaitForEvent, except that
  // running out of time is success.
  Status ReadEvents(std::chrono::milliseconds wait = std::chrono::milliseconds(0));

  // Every queued event, oldest first; the queue is empty afterwards.
  std::vector<Event> TakeEvents();

  // At most kMaxQueuedEvents wait in the queue; beyond that the oldest are dropped and
  // counted here, so a caller that never takes events cannot grow memory without bound.
  static constexpr std::size_t kMaxQueuedEvents = 10'000;
  std::uint64_t dropped_events() const { return dropped_events_; }

  const Greeting& greeting() const { return greeting_; }
  const std::filesystem::path& socket_path() const { return socket_path_; }
  // True once QEMU closed the connection (or it broke); Execute() then fails at once.
  bool closed() const { return closed_; }

  // Used by Execute() without a timeout argument. Default: kDefaultCommandTimeout.
  void set_command_timeout(std::chrono::milliseconds timeout) { command_timeout_ = timeout; }
  std::chrono::milliseconds command_timeout() const { return command_timeout_; }

 private:
  using Clock = std::chrono::steady_clock;

  QmpClient(util::UniqueFd fd, std::filesystem::path socket_path);

  Status ReadGreeting(Clock::time_point deadline, std::chrono::milliseconds timeout);
  std::unexpected<Error> ClosedCommandError(std::string_view command) const;
  // The command's line, with the next id (taken only when it encodes).
  Result<std::string> EncodeCommand(std::string_view command, const nlohmann::json& arguments);
  // Reads until the reply with `id`, queueing events.
  Result<nlohmann::json> AwaitReply(std::int64_t id, std::string_view command,
                                    Clock::time_point deadline, std::chrono::milliseconds timeout);

  Status WriteAll(std::string_view bytes, std::string_view command, Clock::time_point deadline);
  // The next message, an event already queued, or nothing when `deadline` passed. `awaiting`
  // completes the sentence "... while waiting for <awaiting>" in error messages.
  Result<std::optional<nlohmann::json>> ReadMessage(Clock::time_point deadline,
                                                    std::string_view awaiting);
  // Reads once from the socket, waiting until `deadline`; false when nothing came in time.
  Result<bool> Fill(Clock::time_point deadline);
  void Queue(Event event);
  std::unexpected<Error> ClosedError(std::string_view awaiting) const;

  util::UniqueFd fd_;
  std::filesystem::path socket_path_;
  LineFramer framer_{kMaxQmpMessageBytes};
  Greeting greeting_;
  std::deque<Event> events_;
  std::uint64_t dropped_events_ = 0;
  std::int64_t next_id_ = 1;
  bool closed_ = false;
  int fd_to_pass_ = -1;  // SendFd's descriptor, sent with the first bytes of its command
  std::chrono::milliseconds command_timeout_ = kDefaultCommandTimeout;
};

}  // namespace cairn::qmp
