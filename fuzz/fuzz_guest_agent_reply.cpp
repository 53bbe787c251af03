// Fuzz target: qemu-ga's replies as GuestAgent decodes them. The input is what the agent
// sends after Cairn's guest-sync; every "SYNC_ID" in it becomes the id Cairn chose (random
// per session), so inputs can carry the echo that completes the handshake. The session is
// FrozenGuest's: connect + guest-sync, guest-fsfreeze-freeze, guest-fsfreeze-thaw.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "drivers/qemu/guest_agent.hpp"
#include "socket_peer.hpp"
#include "util/temp_dir.hpp"

namespace {

using namespace cairn;

constexpr std::string_view kPlaceholder = "SYNC_ID";

// The digits after "id": in Cairn's {"arguments":{"id":N},"execute":"guest-sync"}.
std::string SyncId(std::string_view request) {
  std::size_t at = request.find("\"id\":");
  if (at == std::string_view::npos) return "0";
  at += 5;
  std::size_t end = at;
  while (end < request.size() && request[end] >= '0' && request[end] <= '9') ++end;
  return std::string(request.substr(at, end - at));
}

std::string WithSyncId(std::string_view first_line, std::string bytes) {
  const std::string id = SyncId(first_line);
  for (std::size_t at = bytes.find(kPlaceholder); at != std::string::npos;
       at = bytes.find(kPlaceholder, at + id.size())) {
    bytes.replace(at, kPlaceholder.size(), id);
  }
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static util::TempDir dir = *util::TempDir::Create("cairn-fuzz-ga");
  static fuzz::SocketPeer peer(dir.path() / "qga.sock");
  peer.Serve(std::string(reinterpret_cast<const char*>(data), size), WithSyncId);
  {
    Result<drivers::qemu::FrozenGuest> frozen = drivers::qemu::FrozenGuest::Freeze(peer.path());
    if (frozen) (void)frozen->Thaw();
  }
  peer.Finish();
  return 0;
}
