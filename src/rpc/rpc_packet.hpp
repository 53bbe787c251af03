// rpc/rpc_packet.hpp — libvirt's RPC framing: the header of every packet, encoding a packet,
// and PacketFramer, which cuts a byte stream into packets.
//
// A packet is a 4-byte big-endian length that counts itself, six header words (program,
// version, procedure, type, serial, status) and an XDR payload. The framer reads the length
// first and refuses one that cannot hold a header or exceeds libvirt's 16 MiB limit before
// buffering the rest, so a hostile peer cannot make it allocate more than one packet; once
// it refused, the stream is out of step for good (broken()). No I/O; not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/error.hpp"

namespace cairn::rpc {

inline constexpr std::uint32_t kRemoteProgram = 0x20008086;     // REMOTE_PROGRAM
inline constexpr std::uint32_t kKeepaliveProgram = 0x6b656570;  // "keep"
inline constexpr std::uint32_t kProgramVersion = 1;             // both programs
inline constexpr std::size_t kHeaderBytes = 24;                 // six words
inline constexpr std::size_t kLengthBytes = 4;

enum class PacketType : std::uint32_t {
  kCall = 0,
  kReply = 1,
  kMessage = 2,  // events, keepalive
  kStream = 3,
  kCallWithFds = 4,
  kReplyWithFds = 5,
  kStreamHole = 6,
};

enum class PacketStatus : std::uint32_t { kOk = 0, kError = 1, kContinue = 2 };

struct PacketHeader {
  std::uint32_t program = kRemoteProgram;
  std::uint32_t version = kProgramVersion;
  std::int32_t procedure = 0;
  PacketType type = PacketType::kCall;
  std::uint32_t serial = 0;
  PacketStatus status = PacketStatus::kOk;
  bool operator==(const PacketHeader&) const = default;
};

struct Packet {
  PacketHeader header;
  std::string payload;  // XDR
};

// The bytes of a whole packet: length word, header, payload.
std::string EncodePacket(const PacketHeader& header, std::string_view payload);

// The answer to `call` with the given status and payload: same program, version, procedure
// and serial, type REPLY.
PacketHeader ReplyTo(const PacketHeader& call, PacketStatus status);

class PacketFramer {
 public:
  // Adds bytes as they came from the socket.
  void Append(std::string_view bytes);
  // The next whole packet, nothing until one is complete, or an error (VIR_ERR_RPC) for a
  // length out of bounds or an unknown type/status; after an error, always that error.
  Result<std::optional<Packet>> Next();
  bool broken() const { return error_.has_value(); }
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;
  std::optional<Error> error_;
};

}  // namespace cairn::rpc
