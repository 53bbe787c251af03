#include "daemon/client_audit.hpp"

#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "rpc/remote_protocol.hpp"
#include "util/unix_socket.hpp"

namespace cairn::daemon {

Result<PeerIdentity> PeerOf(int fd) {
  std::expected<ucred, int> cred = util::PeerCredentials(fd);
  if (!cred) {
    return Fail(ErrorCode::kSystemError, ErrorDomain::kRpc,
                fmt::format("cannot read the peer credentials of a client: {}",
                            std::strerror(cred.error())));
  }
  return PeerIdentity{cred->pid, cred->uid, cred->gid};
}

namespace {

// libvirt's names for the procedures the log mentions; nullptr for the others.
const char* LoggedName(std::int32_t procedure) {
  using P = rpc::RemoteProc;
  switch (static_cast<P>(procedure)) {
    case P::kDomainCreate: return "DOMAIN_CREATE";
    case P::kDomainCreateWithFlags: return "DOMAIN_CREATE_WITH_FLAGS";
    case P::kDomainDefineXml: return "DOMAIN_DEFINE_XML";
    case P::kDomainDefineXmlFlags: return "DOMAIN_DEFINE_XML_FLAGS";
    case P::kDomainDestroy: return "DOMAIN_DESTROY";
    case P::kDomainDestroyFlags: return "DOMAIN_DESTROY_FLAGS";
    case P::kDomainUndefine: return "DOMAIN_UNDEFINE";
    case P::kDomainUndefineFlags: return "DOMAIN_UNDEFINE_FLAGS";
    case P::kDomainShutdown: return "DOMAIN_SHUTDOWN";
    case P::kDomainShutdownFlags: return "DOMAIN_SHUTDOWN_FLAGS";
    case P::kDomainReboot: return "DOMAIN_REBOOT";
    case P::kDomainSuspend: return "DOMAIN_SUSPEND";
    case P::kDomainResume: return "DOMAIN_RESUME";
    case P::kDomainFsfreeze: return "DOMAIN_FSFREEZE";
    case P::kDomainFsthaw: return "DOMAIN_FSTHAW";
    case P::kDomainAbortJob: return "DOMAIN_ABORT_JOB";
    case P::kDomainAbortJobFlags: return "DOMAIN_ABORT_JOB_FLAGS";
    case P::kDomainCheckpointCreateXml: return "DOMAIN_CHECKPOINT_CREATE_XML";
    case P::kDomainCheckpointDelete: return "DOMAIN_CHECKPOINT_DELETE";
    case P::kDomainBackupBegin: return "DOMAIN_BACKUP_BEGIN";
    default: return nullptr;
  }
}

}  // namespace

bool ChangesState(std::int32_t procedure) { return LoggedName(procedure) != nullptr; }

ClientAudit::ClientAudit(std::uint64_t client_number, PeerIdentity peer, bool read_only)
    : who_(fmt::format("client {} (pid {}, uid {}, gid {}, {})", client_number, peer.pid,
                       peer.uid, peer.gid, read_only ? "read-only" : "read-write")) {}

void ClientAudit::Write(std::string_view what) const {
  // One fprintf per line: stdio locks the stream, so lines of clients never interleave.
  std::fprintf(stderr, "cairnd: %s: %.*s\n", who_.c_str(), static_cast<int>(what.size()),
               what.data());
}

void ClientAudit::Connected() const { Write("connected"); }

void ClientAudit::Disconnected() const { Write("disconnected"); }

void ClientAudit::Call(std::int32_t procedure, const Status& outcome) const {
  const bool denied = !outcome && outcome.error().code() == ErrorCode::kOperationDenied;
  if (!ChangesState(procedure) && !denied) return;
  const char* name = LoggedName(procedure);
  Write(fmt::format("{}: {}", name ? std::string(name) : fmt::format("procedure {}", procedure),
                    outcome ? std::string("ok") : "error: " + outcome.error().Text()));
}

}  // namespace cairn::daemon
