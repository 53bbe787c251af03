// daemon/client_session.hpp — ClientSession: one client connected to cairnd.
//
// It owns the client's socket (an RpcChannel, whose reader answers keepalive at once), a
// worker thread that runs the client's calls one after the other through a RemoteDispatch
// (so a long call never delays a PONG), and the dispatch's state. Replies and event
// messages share the channel, each packet whole. Events are queued by the thread that heard
// them (the driver's one job-event source, shared by every client) and written by a thread
// of the session's: a client that does not read holds up only itself, and once
// kMaxQueuedEvents wait for it, it is disconnected. The session ends when the client closes,
// after CONNECT_CLOSE, or when the server stops; finished() then turns true and the server
// destroys it. Its audit logs who the client is (peer credentials) and every call of it that
// changes state. Thread rule: created and destroyed by the server's thread; everything else
// runs on the channel's reader, the worker and the event writer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "daemon/client_audit.hpp"
#include "daemon/remote_dispatch.hpp"
#include "rpc/rpc_channel.hpp"
#include "util/unique_fd.hpp"

namespace cairn::daemon {

class ClientSession {
 public:
  // Events a client may leave unread before it is disconnected (each some 100 bytes).
  static constexpr std::size_t kMaxQueuedEvents = 4096;

  // `number`: the client's number in the server's log.
  static Result<std::unique_ptr<ClientSession>> Start(util::UniqueFd socket,
                                                      RemoteDispatch::Options options,
                                                      std::uint64_t number);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  bool finished() const { return finished_.load(); }

 private:
  explicit ClientSession(RemoteDispatch::Options options);
  void Enqueue(rpc::Packet packet);
  void Stop();
  void Work();
  void QueueEvent(const rpc::PacketHeader& header, std::string payload);
  void WriteEvents();

  std::optional<ClientAudit> audit_;  // set before the threads start
  std::unique_ptr<rpc::RpcChannel> channel_;
  // Events come from the library's thread: they meet teardown here.
  std::mutex sink_mutex_;
  std::condition_variable sink_wake_;
  bool sink_open_ = true;
  std::deque<std::pair<rpc::PacketHeader, std::string>> events_;
  std::thread event_writer_;
  RemoteDispatch dispatch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<rpc::Packet> calls_;
  bool stopping_ = false;
  std::atomic<bool> finished_{false};
  std::thread worker_;
};

}  // namespace cairn::daemon
