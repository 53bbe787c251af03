// The REMOTE program's procedures, one by one, on Cairn's public API.
#include "daemon/remote_dispatch.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "rpc/remote_protocol.hpp"
#include "rpc/xdr_codec.hpp"

namespace cairn::daemon {
namespace {

using namespace cairn::rpc;

// The libvirt API level Cairn implements; clients gate features on it.
constexpr std::uint64_t kLibvirtApiLevel = 9'000'000;

RemoteDomain HandleOf(const Domain& d) { return {d.name(), UuidRaw(d.uuid()), d.id()}; }
RemoteCheckpoint HandleOf(const Checkpoint& c) { return {c.name(), HandleOf(c.domain())}; }

std::vector<rpc::TypedParam> ParamsOf(const JobStats& stats) {
  std::vector<rpc::TypedParam> out;
  for (const cairn::TypedParam& p : JobStatsParams(stats)) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, int>) {
            out.push_back({p.field, std::int32_t{v}});
          } else if constexpr (std::is_same_v<T, unsigned long long>) {
            out.push_back({p.field, std::uint64_t{v}});
          } else {
            out.push_back({p.field, v});
          }
        },
        p.value);
  }
  return out;
}

template <typename Ret>
Result<std::string> Out(const Ret& r) {
  return EncodeToBytes(r);
}
Result<std::string> Void() { return std::string(); }

template <typename T>
Result<std::vector<T>> Counted(Result<std::vector<T>> list) {
  return list;
}

}  // namespace

RemoteDispatch::RemoteDispatch(Options options, EventSink sink)
    : options_(std::move(options)), sink_(std::move(sink)) {}

RemoteDispatch::~RemoteDispatch() { DropCallbacks(); }

void RemoteDispatch::DropCallbacks() {
  std::map<int, bool> ids;
  {
    std::lock_guard<std::mutex> lock(callbacks_mutex_);
    ids.swap(callbacks_);
  }
  if (!conn_) return;
  for (const auto& [id, unused] : ids) (void)DeregisterEventCallback(*conn_, id);
}

namespace {
// libvirtd's answer to a call that needs the connection before CONNECT_OPEN.
std::unexpected<Error> NotOpen() {
  return Fail(ErrorCode::kInternalError, ErrorDomain::kRpc, "hypervisor connection not open");
}
// The highest procedure number libvirt 9.0's REMOTE program knows.
constexpr std::int32_t kLastLibvirtProcedure = 443;
}  // namespace

Result<Connection> RemoteDispatch::Conn() const {
  if (!conn_) return NotOpen();
  return *conn_;
}

Result<Domain> RemoteDispatch::DomainOf(const RemoteDomain& handle) const {
  Result<Connection> c = Conn();
  if (!c) return std::unexpected(c.error());
  return c->DomainFromIdentity(handle.name, UuidText(handle.uuid), handle.id);
}

Result<Domain> RemoteDispatch::FindDomain(const std::string& raw_uuid) const {
  Result<Connection> c = Conn();
  if (!c) return std::unexpected(c.error());
  return c->LookupDomainByUuid(UuidText(raw_uuid));
}

RemoteDispatch::Reply RemoteDispatch::Handle(const Packet& call) {
  Result<std::string> out = [&]() -> Result<std::string> {
    if (call.header.program != kRemoteProgram || call.header.version != kProgramVersion) {
      return Fail(ErrorCode::kRpc, ErrorDomain::kRpc,
                  fmt::format("cannot find program {} version {}", call.header.program,
                              call.header.version));
    }
    return Dispatch(call.header.procedure, call.payload);
  }();
  if (out) return {PacketStatus::kOk, std::move(*out)};
  return {PacketStatus::kError, EncodeToBytes(ToRemoteError(out.error())), out.error()};
}

Result<std::string> RemoteDispatch::Dispatch(std::int32_t procedure, std::string_view args) {
  // Decodes the call's arguments as A, or fails the call.
#define ARGS(A)                                           \
  Result<A> a = DecodeFromBytes<A>(args);                 \
  if (!a) return std::unexpected(a.error())
  // The domain and checkpoint the call names, as libvirtd makes them from the wire: not
  // looked up first; the call itself finds the domain by UUID (name and id are
  // informational) and fails with NO_DOMAIN / NO_DOMAIN_CHECKPOINT if it is gone.
#define DOMAIN(handle)                                    \
  Result<Domain> dom = DomainOf(handle);                  \
  if (!dom) return std::unexpected(dom.error())
  // A call Cairn answers without asking the driver still names a domain that must exist
  // (GetInfo fails on a handle whose domain is gone as any driver call does).
#define FOUND_DOMAIN(handle)                                  \
  DOMAIN(handle);                                             \
  if (Result<DomainInfo> info_ = dom->GetInfo(); !info_) return std::unexpected(info_.error())
#define CHECKPOINT(handle)                                                       \
  DOMAIN((handle).domain);                                                        \
  Result<Checkpoint> cp = dom->CheckpointFromName((handle).name);                \
  if (!cp) return std::unexpected(cp.error())
#define TRY(expr)                                         \
  if (Status ok_ = (expr); !ok_) return std::unexpected(ok_.error())

  switch (static_cast<RemoteProc>(procedure)) {
    case RemoteProc::kAuthList:
      return Out(AuthListRet{{{kAuthNone}}});
    case RemoteProc::kConnectSupportsFeature: {
      ARGS(SupportsFeatureArgs);
      // libvirtd answers keepalive itself at once; the others only once a driver is open.
      if (a->feature != kFeatureProgramKeepalive && !conn_) return NotOpen();
      const bool yes = a->feature == kFeatureProgramKeepalive ||
                       a->feature == kFeatureRemoteEventCallback ||
                       a->feature == kFeatureRemoteCloseCallback;
      return Out(IntRet{yes ? 1 : 0});
    }
    case RemoteProc::kConnectOpen: {
      ARGS(ConnectOpenArgs);
      if (conn_) return Fail(ErrorCode::kInternalError, ErrorDomain::kRpc, "connection already open");
      std::string uri = options_.uri;
      // The test driver is served as libvirtd serves it, for clients that ask for it.
      if (a->name && a->name->starts_with("test:///")) uri = *a->name;
      const bool read_only = options_.read_only || (a->flags & 1u) != 0;
      Result<Connection> c = options_.shared && uri == options_.uri
                                 ? options_.shared->OpenClientConnection(read_only)
                                 : Connection::Open(uri, read_only);
      if (!c) return std::unexpected(c.error());
      conn_ = std::move(*c);
      return Void();
    }
    case RemoteProc::kConnectClose:
      DropCallbacks();
      closing_ = true;
      return Void();
    case RemoteProc::kConnectRegisterCloseCallback:
    case RemoteProc::kConnectUnregisterCloseCallback:
      return Void();
    case RemoteProc::kConnectGetType: {
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      // libvirt's test driver calls itself "TEST" here (Cairn's type() says "Test").
      return Out(StringRet{c->type() == "Test" ? std::string("TEST") : std::string(c->type())});
    }
    case RemoteProc::kConnectGetVersion: {
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      Result<unsigned long> v = c->HypervisorVersion();
      if (!v) return std::unexpected(v.error());
      return Out(HyperRet{*v});
    }
    case RemoteProc::kConnectGetLibVersion:
      return Out(HyperRet{kLibvirtApiLevel});
    case RemoteProc::kConnectGetHostname: {
      char host[256] = {};
      ::gethostname(host, sizeof host - 1);
      return Out(StringRet{host});
    }
    case RemoteProc::kConnectGetUri: {
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      return Out(StringRet{c->uri()});
    }
    case RemoteProc::kConnectIsSecure:
      return Out(IntRet{1});  // a unix socket
    case RemoteProc::kConnectListAllDomains: {
      ARGS(ListAllDomainsArgs);
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      Result<std::vector<Domain>> all = c->ListAllDomains(static_cast<ListDomainsFlags>(a->flags));
      if (!all) return std::unexpected(all.error());
      ListAllDomainsRet r;
      r.ret = static_cast<std::uint32_t>(all->size());
      if (a->need_results) {
        for (const Domain& d : *all) r.domains.items.push_back(HandleOf(d));
      }
      return Out(r);
    }
    case RemoteProc::kDomainLookupByName: {
      ARGS(LookupByNameArgs);
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      Result<Domain> d = c->LookupDomainByName(a->name);
      if (!d) return std::unexpected(d.error());
      return Out(DomainRet{HandleOf(*d)});
    }
    case RemoteProc::kDomainLookupById: {
      ARGS(LookupByIdArgs);
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      Result<Domain> d = c->LookupDomainById(a->id);
      if (!d) return std::unexpected(d.error());
      return Out(DomainRet{HandleOf(*d)});
    }
    case RemoteProc::kDomainLookupByUuid: {
      ARGS(LookupByUuidArgs);
      Result<Domain> dom = FindDomain(a->uuid.bytes);
      if (!dom) return std::unexpected(dom.error());
      return Out(DomainRet{HandleOf(*dom)});
    }
    case RemoteProc::kDomainDefineXml:
    case RemoteProc::kDomainDefineXmlFlags: {
      std::string xml;
      if (static_cast<RemoteProc>(procedure) == RemoteProc::kDomainDefineXml) {
        ARGS(DefineXmlArgs);
        xml = std::move(a->xml);
      } else {
        ARGS(DefineXmlFlagsArgs);
        if (a->flags != 0) {
          return FailBare(ErrorCode::kInvalidArg, ErrorDomain::kQemu,
                          fmt::format("unsupported flags (0x{:x}) in function "
                                      "qemuDomainDefineXMLFlags",
                                      a->flags));
        }
        xml = std::move(a->xml);
      }
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      Result<Domain> d = c->DefineDomainXml(xml);
      if (!d) return std::unexpected(d.error());
      return Out(DomainRet{HandleOf(*d)});
    }
    case RemoteProc::kDomainCreate: {
      ARGS(DomainArgs);
      DOMAIN(a->dom);
      TRY(dom->Start());
      return Void();
    }
    case RemoteProc::kDomainCreateWithFlags: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      if (a->flags != 0) {
        return FailBare(ErrorCode::kInvalidArg, ErrorDomain::kQemu,
                        fmt::format("unsupported flags (0x{:x}) in function "
                                    "qemuDomainCreateWithFlags",
                                    a->flags));
      }
      TRY(dom->Start());
      Result<Domain> again = FindDomain(a->dom.uuid);  // now with its id
      if (!again) return std::unexpected(again.error());
      return Out(DomainRet{HandleOf(*again)});
    }
    case RemoteProc::kDomainDestroy:
    case RemoteProc::kDomainDestroyFlags: {
      RemoteDomain handle;
      if (static_cast<RemoteProc>(procedure) == RemoteProc::kDomainDestroy) {
        ARGS(DomainArgs);
        handle = a->dom;
      } else {
        ARGS(DomainFlagsArgs);
        handle = a->dom;
      }
      DOMAIN(handle);
      TRY(dom->Destroy());
      return Void();
    }
    case RemoteProc::kDomainUndefine: {
      ARGS(DomainArgs);
      DOMAIN(a->dom);
      TRY(dom->Undefine());
      return Void();
    }
    case RemoteProc::kDomainUndefineFlags: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      TRY(dom->Undefine(static_cast<UndefineFlags>(a->flags)));
      return Void();
    }
    case RemoteProc::kDomainSuspend:
    case RemoteProc::kDomainResume:
    case RemoteProc::kDomainShutdown: {
      ARGS(DomainArgs);
      DOMAIN(a->dom);
      switch (static_cast<RemoteProc>(procedure)) {
        case RemoteProc::kDomainSuspend: TRY(dom->Suspend()); break;
        case RemoteProc::kDomainResume: TRY(dom->Resume()); break;
        default: TRY(dom->Shutdown()); break;
      }
      return Void();
    }
    case RemoteProc::kDomainShutdownFlags: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      TRY(dom->Shutdown(static_cast<ShutdownFlags>(a->flags)));
      return Void();
    }
    case RemoteProc::kDomainReboot: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      TRY(dom->Reboot(static_cast<RebootFlags>(a->flags)));
      return Void();
    }
    case RemoteProc::kDomainHasManagedSaveImage: {
      ARGS(DomainFlagsArgs);
      FOUND_DOMAIN(a->dom);
      return Out(IntRet{0});  // Cairn has no managed save
    }
    case RemoteProc::kDomainGetXmlDesc: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      Result<std::string> xml = dom->GetXmlDesc(static_cast<DomainXmlFlags>(a->flags));
      if (!xml) return std::unexpected(xml.error());
      return Out(StringRet{*xml});
    }
    case RemoteProc::kDomainGetInfo:
    case RemoteProc::kDomainGetAutostart:
    case RemoteProc::kDomainIsActive:
    case RemoteProc::kDomainIsPersistent: {
      ARGS(DomainArgs);
      DOMAIN(a->dom);
      Result<DomainInfo> info = dom->GetInfo();
      if (!info) return std::unexpected(info.error());
      switch (static_cast<RemoteProc>(procedure)) {
        case RemoteProc::kDomainGetAutostart:
          return Out(IntRet{info->autostart ? 1 : 0});
        case RemoteProc::kDomainIsActive:
          return Out(IntRet{info->state != DomainState::kShutoff ? 1 : 0});
        case RemoteProc::kDomainIsPersistent:
          return Out(IntRet{info->persistent ? 1 : 0});
        default:
          return Out(DomainGetInfoRet{static_cast<std::uint32_t>(info->state),
                                      info->max_memory_kib, info->memory_kib, info->vcpus,
                                      info->cpu_time_ns});
      }
    }
    case RemoteProc::kDomainGetState: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      if (a->flags != 0) {
        return FailBare(ErrorCode::kInvalidArg, ErrorDomain::kQemu,
                        fmt::format("unsupported flags (0x{:x}) in function qemuDomainGetState",
                                    a->flags));
      }
      Result<DomainInfo> info = dom->GetInfo();
      if (!info) return std::unexpected(info.error());
      return Out(DomainGetStateRet{static_cast<std::int32_t>(info->state), 0});
    }
    case RemoteProc::kNodeGetSecurityModel: {
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      Result<SecurityModel> m = c->GetSecurityModel();
      if (!m) return std::unexpected(m.error());
      return Out(NodeGetSecurityModelRet{CharArray<kSecurityModelMax>(m->model),
                                         CharArray<kSecurityDoiMax>(m->doi)});
    }
    case RemoteProc::kDomainGetSecurityLabel: {
      ARGS(DomainArgs);
      DOMAIN(a->dom);
      Result<SecurityLabel> l = dom->GetSecurityLabel();
      if (!l) return std::unexpected(l.error());
      return Out(DomainGetSecurityLabelRet{CharArray<kSecurityLabelMax>(l->label),
                                           l->enforcing ? 1 : 0});
    }
    case RemoteProc::kDomainFsfreeze:
    case RemoteProc::kDomainFsthaw: {
      ARGS(FsfreezeArgs);
      DOMAIN(a->dom);
      Result<int> n = static_cast<RemoteProc>(procedure) == RemoteProc::kDomainFsfreeze
                          ? dom->FsFreeze(a->mountpoints.items, a->flags)
                          : dom->FsThaw(a->mountpoints.items, a->flags);
      if (!n) return std::unexpected(n.error());
      return Out(IntRet{*n});
    }
    case RemoteProc::kDomainGetOsType: {
      ARGS(DomainArgs);
      DOMAIN(a->dom);
      Result<std::string> os = dom->GetOsType();
      if (!os) return std::unexpected(os.error());
      return Out(StringRet{*os});
    }
    case RemoteProc::kDomainCheckpointCreateXml: {
      ARGS(CheckpointCreateXmlArgs);
      DOMAIN(a->dom);
      Result<Checkpoint> c =
          dom->CheckpointCreateXml(a->xml_desc, static_cast<CheckpointCreateFlags>(a->flags));
      if (!c) return std::unexpected(c.error());
      return Out(CheckpointRet{HandleOf(*c)});
    }
    case RemoteProc::kDomainCheckpointGetXmlDesc: {
      ARGS(CheckpointFlagsArgs);
      CHECKPOINT(a->checkpoint);
      Result<std::string> xml = cp->GetXmlDesc(static_cast<CheckpointXmlFlags>(a->flags));
      if (!xml) return std::unexpected(xml.error());
      return Out(StringRet{*xml});
    }
    case RemoteProc::kDomainListAllCheckpoints:
    case RemoteProc::kDomainCheckpointListAllChildren: {
      Result<std::vector<Checkpoint>> list = std::vector<Checkpoint>{};
      std::int32_t need = 0;
      if (static_cast<RemoteProc>(procedure) == RemoteProc::kDomainListAllCheckpoints) {
        ARGS(ListAllCheckpointsArgs);
        DOMAIN(a->dom);
        need = a->need_results;
        list = dom->ListAllCheckpoints(static_cast<CheckpointListFlags>(a->flags));
      } else {
        ARGS(ListAllChildrenArgs);
        CHECKPOINT(a->checkpoint);
        need = a->need_results;
        list = cp->ListAllChildren(static_cast<CheckpointListFlags>(a->flags));
      }
      if (!list) return std::unexpected(list.error());
      ListCheckpointsRet r;
      r.ret = static_cast<std::int32_t>(list->size());
      if (need) {
        for (const Checkpoint& c : *list) r.checkpoints.items.push_back(HandleOf(c));
      }
      return Out(r);
    }
    case RemoteProc::kDomainCheckpointLookupByName: {
      ARGS(CheckpointLookupByNameArgs);
      DOMAIN(a->dom);
      Result<Checkpoint> c = dom->CheckpointLookupByName(a->name, a->flags);
      if (!c) return std::unexpected(c.error());
      return Out(CheckpointRet{HandleOf(*c)});
    }
    case RemoteProc::kDomainCheckpointGetParent: {
      ARGS(CheckpointFlagsArgs);
      CHECKPOINT(a->checkpoint);
      Result<Checkpoint> parent = cp->GetParent(a->flags);
      if (!parent) return std::unexpected(parent.error());
      return Out(CheckpointRet{HandleOf(*parent)});
    }
    case RemoteProc::kDomainCheckpointDelete: {
      ARGS(CheckpointFlagsArgs);
      CHECKPOINT(a->checkpoint);
      TRY(cp->Delete(static_cast<CheckpointDeleteFlags>(a->flags)));
      return Void();
    }
    case RemoteProc::kDomainBackupBegin: {
      ARGS(BackupBeginArgs);
      DOMAIN(a->dom);
      const auto flags = static_cast<BackupBeginFlags>(a->flags);
      TRY(a->checkpoint_xml ? dom->BackupBegin(a->backup_xml, *a->checkpoint_xml, flags)
                            : dom->BackupBegin(a->backup_xml, {}, flags));
      return Void();
    }
    case RemoteProc::kDomainBackupGetXmlDesc: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      Result<std::string> xml = dom->BackupGetXmlDesc(a->flags);
      if (!xml) return std::unexpected(xml.error());
      return Out(StringRet{*xml});
    }
    case RemoteProc::kDomainGetJobStats: {
      ARGS(DomainFlagsArgs);
      DOMAIN(a->dom);
      Result<JobStats> stats = dom->GetJobStats(static_cast<JobStatsFlags>(a->flags));
      if (!stats) return std::unexpected(stats.error());
      return Out(GetJobStatsRet{static_cast<std::int32_t>(stats->type), {ParamsOf(*stats)}});
    }
    case RemoteProc::kDomainGetJobInfo: {
      ARGS(DomainArgs);
      DOMAIN(a->dom);
      Result<JobStats> s = dom->GetJobStats();
      if (!s) return std::unexpected(s.error());
      GetJobInfoRet r;
      r.type = static_cast<std::int32_t>(s->type);
      r.time_elapsed = s->time_elapsed_ms;
      r.file_total = s->disk_total.value_or(0);
      r.file_processed = s->disk_processed.value_or(0);
      r.file_remaining = s->disk_total ? s->disk_remaining() : 0;
      r.data_total = r.file_total;
      r.data_processed = r.file_processed;
      r.data_remaining = r.file_remaining;
      return Out(r);
    }
    case RemoteProc::kDomainAbortJob:
    case RemoteProc::kDomainAbortJobFlags: {
      RemoteDomain handle;
      if (static_cast<RemoteProc>(procedure) == RemoteProc::kDomainAbortJob) {
        ARGS(DomainArgs);
        handle = a->dom;
      } else {
        ARGS(DomainFlagsArgs);
        if (a->flags != 0) {
          return FailBare(ErrorCode::kInvalidArg, ErrorDomain::kQemu,
                          fmt::format("unsupported flags (0x{:x}) in function "
                                      "qemuDomainAbortJobFlags",
                                      a->flags));
        }
        handle = a->dom;
      }
      DOMAIN(handle);
      TRY(dom->AbortJob());
      return Void();
    }
    case RemoteProc::kDomainGetBlockJobInfo: {
      ARGS(GetBlockJobInfoArgs);
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      if (c->type() != "QEMU") {  // libvirt's test driver has no domainGetBlockJobInfo
        return Fail(ErrorCode::kNoSupport, ErrorDomain::kDomain, "virDomainGetBlockJobInfo");
      }
      FOUND_DOMAIN(a->dom);
      return Out(GetBlockJobInfoRet{});  // found 0: no block job Cairn reports per disk
    }
    case RemoteProc::kConnectDomainEventCallbackRegisterAny: {
      ARGS(EventRegisterAnyArgs);
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      if (a->event_id != kEventIdJobCompleted) {
        return Fail(ErrorCode::kNoSupport, ErrorDomain::kRpc,
                    fmt::format("domain event {}", a->event_id));
      }
      std::optional<Domain> filter;
      if (a->dom) {
        Result<Domain> d = FindDomain(a->dom->uuid);
        if (!d) return std::unexpected(d.error());
        filter = std::move(*d);
      }
      // The id is only known once registered: the callback reads it under the lock.
      auto id_cell = std::make_shared<std::pair<std::mutex, int>>();
      std::lock_guard<std::mutex> hold(id_cell->first);
      Result<int> id = RegisterJobCompletedCallback(
          *c, filter ? &*filter : nullptr, [this, id_cell](const Domain& d, const JobStats& s) {
            int callback_id;
            {
              std::lock_guard<std::mutex> lock(id_cell->first);
              callback_id = id_cell->second;
            }
            JobCompletedEvent ev{callback_id, HandleOf(d), {ParamsOf(s)}};
            PacketHeader h{.procedure =
                               static_cast<std::int32_t>(RemoteProc::kDomainEventCallbackJobCompleted),
                           .type = PacketType::kMessage,
                           .serial = 1};
            if (sink_) sink_(h, EncodeToBytes(ev));
          });
      if (!id) return std::unexpected(id.error());
      id_cell->second = *id;
      {
        std::lock_guard<std::mutex> lock(callbacks_mutex_);
        callbacks_[*id] = true;
      }
      return Out(IntRet{*id});
    }
    case RemoteProc::kConnectDomainEventCallbackDeregisterAny: {
      ARGS(EventDeregisterAnyArgs);
      Result<Connection> c = Conn();
      if (!c) return std::unexpected(c.error());
      TRY(DeregisterEventCallback(*c, a->callback_id));
      std::lock_guard<std::mutex> lock(callbacks_mutex_);
      callbacks_.erase(a->callback_id);
      return Void();
    }
    default:
      break;
  }
#undef ARGS
#undef DOMAIN
#undef FOUND_DOMAIN
#undef CHECKPOINT
#undef TRY
  // A number libvirt does not have is libvirtd's RPC error; one it has and Cairn does not
  // serve is "not supported", which clients treat as an optional call that failed.
  if (procedure < 1 || procedure > kLastLibvirtProcedure) {
    return FailBare(ErrorCode::kRpc, ErrorDomain::kRpc,
                    fmt::format("unknown procedure: {}", procedure));
  }
  return Fail(ErrorCode::kNoSupport, ErrorDomain::kRpc, fmt::format("procedure {}", procedure));
}

}  // namespace cairn::daemon
