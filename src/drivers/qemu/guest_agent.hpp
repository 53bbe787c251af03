// GuestAgent: a client of the QEMU guest agent (qemu-ga) on the domain's virtio-serial
// channel "org.qemu.guest_agent.0", for quiescing guest filesystems around a checkpoint.
// Every session starts with guest-sync, so replies left over from an earlier client are
// never taken for ours. FrozenGuest thaws in its destructor: whatever fails after a freeze,
// the guest's filesystems are thawed before the call returns.
//
//   Freeze ok -> [checkpoint transaction] -> ~FrozenGuest: thaw (errors ignored, logged
//   in the returned thaw status when asked for explicitly)
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cairn/error.hpp"
#include "util/unique_fd.hpp"

namespace cairn::drivers::qemu {

class GuestAgent {
 public:
  // Connects and synchronises. A domain without an agent channel is refused before this by
  // the caller; an agent that does not answer in `timeout` is VIR_ERR_AGENT_UNRESPONSIVE.
  static Result<GuestAgent> Connect(const std::filesystem::path& socket,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // Runs one agent command; an error reply is VIR_ERR_INTERNAL_ERROR
  // "unable to execute QEMU agent command 'X': desc".
  Result<nlohmann::json> Execute(std::string_view command,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  explicit GuestAgent(util::UniqueFd fd) : fd_(std::move(fd)) {}
  Result<nlohmann::json> ReadReply(std::string_view command, std::chrono::milliseconds timeout,
                                   const nlohmann::json* sync_id);
  Status Send(const nlohmann::json& message);

  util::UniqueFd fd_;
  std::string pending_;
};

// Frozen guest filesystems; thawed when this goes away.
class FrozenGuest {
 public:
  static Result<FrozenGuest> Freeze(const std::filesystem::path& socket);
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
