// GuestAgent: a client of the QEMU guest agent (qemu-ga) on the domain's virtio-serial
// channel "org.qemu.guest_agent.0", for quiescing guest filesystems around a checkpoint and
// for shutdown / reboot through the guest (guest-shutdown).
// Every session starts with guest-sync, so replies left over from an earlier client are
// never taken for ours. FrozenGuest thaws in its destructor: whatever fails after a freeze,
// the guest's filesystems are thawed before the call returns.
// Everything the guest sends is hostile: each reply is bounded (kMaxAgentReplyBytes), every
// wait has a deadline, and a reply of the wrong shape is an Error, never an exception or an
// abort of the embedding program. Not thread-safe; one GuestAgent per thread.
//
//   Freeze ok -> [checkpoint transaction] -> ~FrozenGuest: thaw (errors ignored, logged
//   in the returned thaw status when asked for explicitly)
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cairn/error.hpp"
#include "qmp/line_framer.hpp"
#include "util/unique_fd.hpp"

namespace cairn::drivers::qemu {

// The longest reply line taken from a guest; the replies Cairn asks for are a few bytes.
inline constexpr std::size_t kMaxAgentReplyBytes = 1024 * 1024;

class GuestAgent {
 public:
  // Connects and synchronises. A domain without an agent channel is refused before this by
  // the caller; an agent that does not answer in `timeout` is VIR_ERR_AGENT_UNRESPONSIVE.
  static Result<GuestAgent> Connect(const std::filesystem::path& socket,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // Runs one agent command and returns its "return" member.
  // Errors: an error reply is VIR_ERR_INTERNAL_ERROR "unable to execute QEMU agent command
  // 'X': desc"; a reply that is not an object with "return" or an "error" object, or a line
  // past kMaxAgentReplyBytes, is VIR_ERR_INTERNAL_ERROR naming the command; no reply within
  // `timeout` or a closed channel is VIR_ERR_AGENT_UNRESPONSIVE.
  // `arguments`: null for none.
  Result<nlohmann::json> Execute(std::string_view command,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));
  Result<nlohmann::json> Execute(std::string_view command, const nlohmann::json& arguments,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Execute() for a command whose reply is an integer (guest-fsfreeze-freeze/thaw: the
  // number of filesystems); any other reply is VIR_ERR_INTERNAL_ERROR naming the command.
  Result<std::int64_t> ExecuteForCount(std::string_view command,
                                       const nlohmann::json& arguments = nullptr,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Runs a command qemu-ga answers only when it fails (guest-shutdown: its success reply
  // never comes, the guest is going down). Waits `error_window` for an error reply; silence
  // or the channel closing (the guest powered off) is success.
  // Errors: an error reply as Execute(); a command the agent does not take within
  // `error_window` is VIR_ERR_AGENT_UNRESPONSIVE.
  Status ExecuteUnanswered(std::string_view command, const nlohmann::json& arguments,
                           std::chrono::milliseconds error_window = std::chrono::seconds(2));

 private:
  explicit GuestAgent(util::UniqueFd fd) : fd_(std::move(fd)) {}
  Result<nlohmann::json> ReadReply(std::string_view command, std::chrono::milliseconds timeout,
                                   const nlohmann::json* sync_id);
  Result<std::optional<nlohmann::json>> TakeReply(std::string_view command, const std::string& line,
                                                  const nlohmann::json* sync_id);
  Status Send(const nlohmann::json& message, std::chrono::milliseconds timeout);

  util::UniqueFd fd_;
  qmp::LineFramer framer_{kMaxAgentReplyBytes};
};

// Frozen guest filesystems; thawed when this goes away. The destructor never throws and
// never ends the process, whatever the guest answers.
class FrozenGuest {
 public:
  static Result<FrozenGuest> Freeze(const std::filesystem::path& socket);
  // Freeze() over an agent already connected (tests drive a scripted agent this way).
  static Result<FrozenGuest> Freeze(GuestAgent agent);
  FrozenGuest(FrozenGuest&& other) noexcept = default;
  FrozenGuest& operator=(FrozenGuest&&) = delete;
  ~FrozenGuest();
  // Thaws now and reports how it went (the destructor then does nothing).
  Status Thaw();

 private:
  explicit FrozenGuest(GuestAgent agent) : agent_(std::move(agent)) {}
  std::optional<GuestAgent> agent_;
};

}  // namespace cairn::drivers::qemu
