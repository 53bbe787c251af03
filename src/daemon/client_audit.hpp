// daemon/client_audit.hpp — who a cairnd client is (its peer credentials, from the kernel:
// SO_PEERCRED) and a log line for what it did: when it connected and left, and every call
// that changes something (or was refused), with its outcome. The log is cairnd's stderr,
// which the journal keeps under systemd.
// Thread rule: ClientAudit is used by its client's worker only; lines are written whole.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/error.hpp"

namespace cairn::daemon {

struct PeerIdentity {
  pid_t pid = -1;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

// The credentials of the process at the other end of unix socket `fd`, as the kernel
// recorded them when it connected. Errors: kSystemError.
Result<PeerIdentity> PeerOf(int fd);

// Whether REMOTE procedure `procedure` changes domains, checkpoints or jobs (the calls the
// read-only socket refuses).
bool ChangesState(std::int32_t procedure);

class ClientAudit {
 public:
  ClientAudit(std::uint64_t client_number, PeerIdentity peer, bool read_only);

  void Connected() const;
  void Disconnected() const;
  // Logs a call that changes state, or any call refused for lack of permission.
  void Call(std::int32_t procedure, const Status& outcome) const;

  // The prefix of this client's lines: "client 3 (pid 42, uid 0, gid 0, read-write)".
  const std::string& who() const { return who_; }

 private:
  void Write(std::string_view what) const;

  std::string who_;
};

}  // namespace cairn::daemon
