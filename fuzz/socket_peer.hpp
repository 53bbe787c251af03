// fuzz/socket_peer.hpp — SocketPeer, the far end of a unix socket that plays QEMU's monitor
// or qemu-ga for a stream fuzz target: it accepts one client, sends the fuzz input as the
// peer's bytes, then closes its sending side and reads until the client hangs up. The client
// under test (QmpClient, GuestAgent) thus runs its real socket code and never waits out a
// timeout: once the bytes are consumed it sees the connection close.
// One SocketPeer serves one session at a time; Serve() and Finish() are called by the fuzz
// target's thread, the session itself runs on a thread the peer owns.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "util/unique_fd.hpp"

namespace cairn::fuzz {

class SocketPeer {
 public:
  // Rewrites the bytes to send once the client's first line (its first request) has come,
  // e.g. to echo the id of qemu-ga's guest-sync. Null: send at once, as QEMU greets first.
  using AfterFirstLine = std::function<std::string(std::string_view first_line,
                                                   std::string bytes)>;

  // Listens on `socket_path` (removed first if it exists). Aborts when it cannot: a fuzz
  // target without its peer has nothing to run.
  explicit SocketPeer(std::filesystem::path socket_path);
  ~SocketPeer();
  SocketPeer(const SocketPeer&) = delete;
  SocketPeer& operator=(const SocketPeer&) = delete;

  // Starts serving one client with `bytes`, written in pieces of varying size so that the
  // client's reads may end anywhere, inside a message or between two.
  void Serve(std::string bytes, AfterFirstLine after_first_line = nullptr);
  // Waits for the session to end (the client closed, or no client came within a few
  // seconds).
  void Finish();

  const std::filesystem::path& path() const { return path_; }

 private:
  void Session(std::string bytes, AfterFirstLine after_first_line);

  std::filesystem::path path_;
  util::UniqueFd listener_;
  std::thread session_;
};

}  // namespace cairn::fuzz
