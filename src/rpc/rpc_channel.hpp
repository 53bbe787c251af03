// rpc/rpc_channel.hpp — RpcChannel: one libvirt RPC connection over a connected stream
// socket, for either end (the daemon's side of a client, or the remote driver's side of a
// daemon).
//
// A reader thread of its own cuts the incoming bytes into packets and answers the
// KEEPALIVE program itself (PING -> PONG at once), so a peer's keepalive is answered even
// while a long call runs elsewhere; every other packet goes to the owner's PacketHandler, on
// the reader thread, in arrival order. Send() may be called from any thread: each packet is
// written whole, never interleaved with another. The channel ends when the peer closes, on
// an I/O error, on a packet the framer refuses (the stream is out of step), or by Close():
// ClosedHandler is then called once, on the reader thread (not for Close() itself).
// The destructor closes and joins the reader; the handlers must not destroy the channel.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "cairn/error.hpp"
#include "rpc/rpc_packet.hpp"
#include "util/unique_fd.hpp"

namespace cairn::rpc {

class RpcChannel {
 public:
  using PacketHandler = std::function<void(Packet)>;
  // Why the channel ended: kRpc "end of file from peer" for an orderly close.
  using ClosedHandler = std::function<void(const Error&)>;

  // Takes `socket` and starts reading it.
  static Result<std::unique_ptr<RpcChannel>> Start(util::UniqueFd socket, PacketHandler on_packet,
                                                   ClosedHandler on_closed);
  ~RpcChannel();
  RpcChannel(const RpcChannel&) = delete;
  RpcChannel& operator=(const RpcChannel&) = delete;

  // Writes one packet; an error once the channel ended (VIR_ERR_RPC).
  Status Send(const PacketHeader& header, std::string_view payload);
  // Ends the channel: the peer sees end of file; the reader stops. Idempotent.
  void Close();
  bool closed() const { return closed_.load(); }

 private:
  RpcChannel(util::UniqueFd socket, PacketHandler on_packet, ClosedHandler on_closed);
  void ReadLoop();

  util::UniqueFd socket_;
  PacketHandler on_packet_;
  ClosedHandler on_closed_;
  std::mutex write_mutex_;
  std::atomic<bool> closed_{false};
  std::thread reader_;
};

}  // namespace cairn::rpc
