// The remote driver: Driver calls as REMOTE procedures.
#include "drivers/remote/remote_driver.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "drivers/remote/session_daemon.hpp"
#include "rpc/rpc_client.hpp"
#include "util/unix_socket.hpp"
#include "util/user_dirs.hpp"

namespace cairn::drivers::remote {
namespace {

using namespace cairn::rpc;
using driver::DomainRef;


// The parameters libvirt's client consumes itself and never forwards (remote_driver.c).
bool ConsumedParameter(std::string_view key) {
  for (std::string_view k : {"name", "command", "socket", "auth", "sshauth", "netcat", "keyfile",
                             "pkipath", "known_hosts", "known_hosts_verify", "tls_priority",
                             "mode", "proxy", "no_sanity", "no_verify", "no_tty", "authfile"}) {
    if (key == k) return true;
  }
  return false;
}

std::string DriverName(const driver::ConnectUri& uri) {
  const std::size_t plus = uri.scheme.find('+');
  return plus == std::string::npos ? uri.scheme : uri.scheme.substr(0, plus);
}

// What CONNECT_OPEN asks the daemon to open.
std::string OpenName(const driver::ConnectUri& uri) {
  if (auto n = uri.query.find("name"); n != uri.query.end()) return n->second;
  std::string out = DriverName(uri) + "://" + uri.host + uri.path;
  char sep = '?';
  for (const auto& [k, v] : uri.query) {
    if (ConsumedParameter(k)) continue;
    out += sep + k + "=" + v;
    sep = '&';
  }
  return out;
}

// The daemon a URI names: its socket= if given; else cairnd's, as libvirt picks libvirtd's
// (the read-only socket for a read-only qemu:///system, the per-user daemon, started on
// demand, for qemu:///session).
struct DaemonSocket {
  std::string path;
  bool session = false;  // the per-user daemon: start it if nobody listens
};

Result<DaemonSocket> SocketOf(const driver::ConnectUri& uri, bool read_only) {
  if (auto s = uri.query.find("socket"); s != uri.query.end()) return DaemonSocket{s->second};
  if (DriverName(uri) == "qemu" && uri.path == "/system") {
    return DaemonSocket{read_only ? "/run/cairn/cairn-sock-ro" : "/run/cairn/cairn-sock"};
  }
  if (DriverName(uri) == "qemu" && uri.path == "/session") {
    return DaemonSocket{(util::UserRuntimeDir() / "cairn-sock").string(), true};
  }
  return Fail(ErrorCode::kNoConnect, ErrorDomain::kRemote,
              fmt::format("no daemon socket for '{}': give one with ?socket=PATH", uri.text));
}

// The daemon's uid and gid, as the kernel recorded them when it accepted the socket.
std::optional<driver::PeerCredentials> PeerOf(const util::UniqueFd& fd) {
  std::expected<ucred, int> cred = util::PeerCredentials(fd.get());
  if (!cred) return std::nullopt;
  return driver::PeerCredentials{cred->uid, cred->gid};
}

struct Connected {
  std::unique_ptr<RpcClient> client;
  std::optional<driver::PeerCredentials> peer;
};

Result<Connected> ConnectTo(const DaemonSocket& socket, RpcClient::EventHandler on_event) {
  Result<util::UniqueFd> fd =
      socket.session ? ConnectSessionDaemon(socket.path) : ConnectDaemonSocket(socket.path);
  if (!fd) return std::unexpected(fd.error());
  std::optional<driver::PeerCredentials> peer = PeerOf(*fd);
  Result<std::unique_ptr<RpcClient>> client = RpcClient::Adopt(std::move(*fd), std::move(on_event));
  if (!client) return std::unexpected(client.error());
  return Connected{std::move(*client), peer};
}

RemoteDomain Handle(const DomainRef& d) { return {d.name, UuidRaw(d.uuid), d.id}; }
DomainRef Ref(const RemoteDomain& d) { return {d.name, UuidText(d.uuid), d.id}; }
RemoteCheckpoint Handle(const DomainRef& d, std::string_view name) {
  return {std::string(name), Handle(d)};
}

JobStats StatsOfParams(const std::vector<rpc::TypedParam>& params) {
  JobStats s;
  for (const rpc::TypedParam& p : params) {
    auto u64 = [&]() -> std::optional<std::uint64_t> {
      if (auto* v = std::get_if<std::uint64_t>(&p.value)) return *v;
      if (auto* v = std::get_if<std::int64_t>(&p.value)) return static_cast<std::uint64_t>(*v);
      return std::nullopt;
    };
    if (p.field == "operation") {
      if (auto* v = std::get_if<std::int32_t>(&p.value)) s.operation = static_cast<JobOperation>(*v);
    } else if (p.field == "time_elapsed") {
      s.time_elapsed_ms = u64().value_or(0);
    } else if (p.field == "disk_total") {
      s.disk_total = u64();
    } else if (p.field == "disk_processed") {
      s.disk_processed = u64();
    } else if (p.field == "disk_temp_used") {
      s.disk_temp_used = u64();
    } else if (p.field == "disk_temp_total") {
      s.disk_temp_total = u64();
    } else if (p.field == "success") {
      if (auto* v = std::get_if<bool>(&p.value)) s.success = *v;
    } else if (p.field == "errmsg") {
      if (auto* v = std::get_if<std::string>(&p.value)) s.errmsg = *v;
    }
  }
  return s;
}

JobStats StatsOf(const GetJobStatsRet& r) {
  JobStats s = StatsOfParams(r.params.items);
  s.type = static_cast<JobType>(r.type);
  return s;
}

// Where the daemon's job-completed events go: its callback ids, each to one subscription's
// callback. Shared by the socket's reader thread (which delivers) and the driver.
struct EventRoutes {
  std::mutex mutex;  // held while a callback runs: an unsubscribed one is never running
  std::map<std::int32_t, driver::JobEventCallback> callbacks;
  // Events for an id whose registration reply has not been routed yet (the daemon may send
  // one right behind the reply). The lock is never held across a call: the reader thread
  // that delivers is also the one that reads the replies.
  std::map<std::int32_t, std::vector<driver::JobCompletedEvent>> early;
  static constexpr std::size_t kEarlyKept = 64;

  void Route(std::int32_t id, driver::JobEventCallback callback) {
    std::lock_guard lock(mutex);
    auto queued = early.extract(id);
    if (!queued.empty()) {
      for (const driver::JobCompletedEvent& e : queued.mapped()) callback(e);
    }
    callbacks[id] = std::move(callback);
  }

  // On the reader thread: one MESSAGE of the REMOTE program.
  void Deliver(const Packet& p) {
    if (p.header.procedure != static_cast<std::int32_t>(RemoteProc::kDomainEventCallbackJobCompleted)) {
      return;  // Cairn subscribes to no other event
    }
    Result<JobCompletedEvent> ev = DecodeFromBytes<JobCompletedEvent>(p.payload);
    if (!ev) return;
    driver::JobCompletedEvent out{Ref(ev->dom), StatsOfParams(ev->params.items)};
    // The event carries no job type: how the job ended is its success.
    out.stats.type = out.stats.success.value_or(true) ? JobType::kCompleted : JobType::kFailed;
    if (out.stats.operation == JobOperation::kUnknown) out.stats.operation = JobOperation::kBackup;
    std::lock_guard lock(mutex);
    if (auto it = callbacks.find(ev->callback_id); it != callbacks.end()) {
      it->second(out);
    } else if (auto& q = early[ev->callback_id]; q.size() < kEarlyKept) {
      q.push_back(std::move(out));
    }
  }
};

class RemoteDriver;

// One daemon-side registration (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY); destroying it
// stops delivery, then deregisters it with the daemon.
class RemoteJobSubscription : public driver::JobEventSubscription {
 public:
  RemoteJobSubscription(RemoteDriver* driver, std::shared_ptr<EventRoutes> routes,
                        std::int32_t callback_id)
      : driver_(driver), routes_(std::move(routes)), callback_id_(callback_id) {}
  ~RemoteJobSubscription() override;

 private:
  RemoteDriver* driver_;
  std::shared_ptr<EventRoutes> routes_;
  std::int32_t callback_id_;
};

class RemoteDriver : public driver::Driver {
 public:
  RemoteDriver(Connected connected, std::shared_ptr<EventRoutes> routes, std::string uri,
               std::string type)
      : client_(std::move(connected.client)),
        peer_(connected.peer),
        routes_(std::move(routes)),
        uri_(std::move(uri)),
        type_(std::move(type)) {}
  ~RemoteDriver() override { (void)Close(); }

  Status Close() override {
    if (closed_) return {};
    closed_ = true;
    return Void(Call<VoidRet>(RemoteProc::kConnectClose, VoidArgs{}));
  }

  template <typename Ret, typename Args>
  Result<Ret> Call(RemoteProc p, const Args& a) {
    return client_->Call<Ret>(p, a);
  }

  std::string_view Type() const override { return type_; }
  std::string Uri() const override { return uri_; }
  std::optional<driver::PeerCredentials> Peer() const override { return peer_; }

  Result<std::vector<DomainRef>> ListDomains(unsigned flags) override {
    auto r = Call<ListAllDomainsRet>(RemoteProc::kConnectListAllDomains, ListAllDomainsArgs{1, flags});
    if (!r) return std::unexpected(r.error());
    std::vector<DomainRef> out;
    for (const RemoteDomain& d : r->domains.items) out.push_back(Ref(d));
    return out;
  }
  Result<DomainRef> LookupDomainByName(std::string_view name) override {
    return Dom(Call<DomainRet>(RemoteProc::kDomainLookupByName, LookupByNameArgs{std::string(name)}));
  }
  Result<DomainRef> LookupDomainByUuid(std::string_view uuid) override {
    return Dom(Call<DomainRet>(RemoteProc::kDomainLookupByUuid, LookupByUuidArgs{Uuid{UuidRaw(uuid)}}));
  }
  Result<DomainRef> LookupDomainById(int id) override {
    return Dom(Call<DomainRet>(RemoteProc::kDomainLookupById, LookupByIdArgs{id}));
  }
  Result<DomainInfo> GetDomainInfo(const DomainRef& dom) override {
    auto info = Call<DomainGetInfoRet>(RemoteProc::kDomainGetInfo, DomainArgs{Handle(dom)});
    if (!info) return std::unexpected(info.error());
    auto persistent = Call<IntRet>(RemoteProc::kDomainIsPersistent, DomainArgs{Handle(dom)});
    if (!persistent) return std::unexpected(persistent.error());
    auto autostart = Call<IntRet>(RemoteProc::kDomainGetAutostart, DomainArgs{Handle(dom)});
    DomainInfo out;
    out.state = static_cast<DomainState>(info->state);
    out.max_memory_kib = info->max_mem;
    out.memory_kib = info->memory;
    out.vcpus = info->nr_virt_cpu;
    out.cpu_time_ns = info->cpu_time;
    out.persistent = persistent->value != 0;
    out.autostart = autostart && autostart->value != 0;
    return out;
  }
  Result<std::string> DomainGetXmlDesc(const DomainRef& dom, unsigned flags) override {
    return Str(Call<StringRet>(RemoteProc::kDomainGetXmlDesc, DomainFlagsArgs{Handle(dom), flags}));
  }
  Result<DomainRef> DefineDomainXml(std::string_view xml, unsigned flags) override {
    if (flags == 0) return Dom(Call<DomainRet>(RemoteProc::kDomainDefineXml, DefineXmlArgs{std::string(xml)}));
    return Dom(Call<DomainRet>(RemoteProc::kDomainDefineXmlFlags,
                               DefineXmlFlagsArgs{std::string(xml), flags}));
  }
  Status UndefineDomain(const DomainRef& dom, unsigned flags) override {
    if (flags == 0) return Void(Call<VoidRet>(RemoteProc::kDomainUndefine, DomainArgs{Handle(dom)}));
    return Void(Call<VoidRet>(RemoteProc::kDomainUndefineFlags, DomainFlagsArgs{Handle(dom), flags}));
  }
  Result<DomainRef> StartDomain(const DomainRef& dom, unsigned flags) override {
    return Dom(Call<DomainRet>(RemoteProc::kDomainCreateWithFlags, DomainFlagsArgs{Handle(dom), flags}));
  }
  Status DestroyDomain(const DomainRef& dom, unsigned flags) override {
    if (flags == 0) return Void(Call<VoidRet>(RemoteProc::kDomainDestroy, DomainArgs{Handle(dom)}));
    return Void(Call<VoidRet>(RemoteProc::kDomainDestroyFlags, DomainFlagsArgs{Handle(dom), flags}));
  }
  Status ShutdownDomain(const DomainRef& dom, unsigned flags) override {
    if (flags == 0) return Void(Call<VoidRet>(RemoteProc::kDomainShutdown, DomainArgs{Handle(dom)}));
    return Void(Call<VoidRet>(RemoteProc::kDomainShutdownFlags, DomainFlagsArgs{Handle(dom), flags}));
  }
  Status RebootDomain(const DomainRef& dom, unsigned flags) override {
    return Void(Call<VoidRet>(RemoteProc::kDomainReboot, DomainFlagsArgs{Handle(dom), flags}));
  }
  Status SuspendDomain(const DomainRef& dom) override {
    return Void(Call<VoidRet>(RemoteProc::kDomainSuspend, DomainArgs{Handle(dom)}));
  }
  Status ResumeDomain(const DomainRef& dom) override {
    return Void(Call<VoidRet>(RemoteProc::kDomainResume, DomainArgs{Handle(dom)}));
  }
  Result<int> FreezeFilesystems(const DomainRef& dom, const std::vector<std::string>& mountpoints,
                                unsigned flags) override {
    auto r = Call<IntRet>(RemoteProc::kDomainFsfreeze, FsfreezeArgs{Handle(dom), {mountpoints}, flags});
    if (!r) return std::unexpected(r.error());
    return r->value;
  }
  Result<int> ThawFilesystems(const DomainRef& dom, const std::vector<std::string>& mountpoints,
                              unsigned flags) override {
    auto r = Call<IntRet>(RemoteProc::kDomainFsthaw, FsfreezeArgs{Handle(dom), {mountpoints}, flags});
    if (!r) return std::unexpected(r.error());
    return r->value;
  }
  Result<std::string> DomainGetOsType(const DomainRef& dom) override {
    return Str(Call<StringRet>(RemoteProc::kDomainGetOsType, DomainArgs{Handle(dom)}));
  }
  Result<SecurityModel> GetSecurityModel() override {
    auto m = Call<NodeGetSecurityModelRet>(RemoteProc::kNodeGetSecurityModel, VoidArgs{});
    if (!m) return std::unexpected(m.error());
    return SecurityModel{CharArrayText(m->model), CharArrayText(m->doi)};
  }
  Result<SecurityLabel> DomainGetSecurityLabel(const DomainRef& dom) override {
    auto l = Call<DomainGetSecurityLabelRet>(RemoteProc::kDomainGetSecurityLabel,
                                             DomainArgs{Handle(dom)});
    if (!l) return std::unexpected(l.error());
    return SecurityLabel{CharArrayText(l->label), l->enforcing != 0};
  }
  Result<unsigned long> HypervisorVersion() override {
    auto v = Call<HyperRet>(RemoteProc::kConnectGetVersion, VoidArgs{});
    if (!v) return std::unexpected(v.error());
    return static_cast<unsigned long>(v->value);
  }

  Result<std::string> CheckpointCreateXml(const DomainRef& dom, std::string_view xml,
                                          unsigned flags) override {
    return Name(Call<CheckpointRet>(RemoteProc::kDomainCheckpointCreateXml,
                                    CheckpointCreateXmlArgs{Handle(dom), std::string(xml), flags}));
  }
  Result<std::string> CheckpointGetXmlDesc(const DomainRef& dom, std::string_view name,
                                           unsigned flags) override {
    return Str(Call<StringRet>(RemoteProc::kDomainCheckpointGetXmlDesc,
                               CheckpointFlagsArgs{Handle(dom, name), flags}));
  }
  Result<std::vector<std::string>> ListAllCheckpoints(const DomainRef& dom, unsigned flags) override {
    return Names(Call<ListCheckpointsRet>(RemoteProc::kDomainListAllCheckpoints,
                                          ListAllCheckpointsArgs{Handle(dom), 1, flags}));
  }
  Result<std::vector<std::string>> CheckpointListAllChildren(const DomainRef& dom,
                                                             std::string_view name,
                                                             unsigned flags) override {
    return Names(Call<ListCheckpointsRet>(RemoteProc::kDomainCheckpointListAllChildren,
                                          ListAllChildrenArgs{Handle(dom, name), 1, flags}));
  }
  Status CheckpointLookupByName(const DomainRef& dom, std::string_view name,
                                unsigned flags) override {
    auto r = Call<CheckpointRet>(RemoteProc::kDomainCheckpointLookupByName,
                                 CheckpointLookupByNameArgs{Handle(dom), std::string(name), flags});
    if (!r) return std::unexpected(r.error());
    return {};
  }
  Result<std::string> CheckpointGetParent(const DomainRef& dom, std::string_view name,
                                          unsigned flags) override {
    return Name(Call<CheckpointRet>(RemoteProc::kDomainCheckpointGetParent,
                                    CheckpointFlagsArgs{Handle(dom, name), flags}));
  }
  Status CheckpointDelete(const DomainRef& dom, std::string_view name, unsigned flags) override {
    return Void(Call<VoidRet>(RemoteProc::kDomainCheckpointDelete,
                              CheckpointFlagsArgs{Handle(dom, name), flags}));
  }

  Status BackupBegin(const DomainRef& dom, std::string_view backup_xml,
                     const std::optional<std::string>& checkpoint_xml, unsigned flags) override {
    BackupBeginArgs a{Handle(dom), std::string(backup_xml), checkpoint_xml, flags};
    return Void(Call<VoidRet>(RemoteProc::kDomainBackupBegin, a));
  }
  Result<std::string> BackupGetXmlDesc(const DomainRef& dom, unsigned flags) override {
    return Str(Call<StringRet>(RemoteProc::kDomainBackupGetXmlDesc, DomainFlagsArgs{Handle(dom), flags}));
  }
  Result<JobStats> GetJobStats(const DomainRef& dom, unsigned flags) override {
    auto r = Call<GetJobStatsRet>(RemoteProc::kDomainGetJobStats, DomainFlagsArgs{Handle(dom), flags});
    if (!r) return std::unexpected(r.error());
    return StatsOf(*r);
  }
  Status AbortJob(const DomainRef& dom) override {
    return Void(Call<VoidRet>(RemoteProc::kDomainAbortJob, DomainArgs{Handle(dom)}));
  }

  // The daemon pushes VIR_DOMAIN_EVENT_ID_JOB_COMPLETED (libvirt's modern registration,
  // the only one that has it): its callback id routes each event to `callback`.
  Result<std::unique_ptr<driver::JobEventSubscription>> SubscribeJobEvents(
      const std::optional<DomainRef>& dom, driver::JobEventCallback callback) override {
    EventRegisterAnyArgs a{kEventIdJobCompleted, std::nullopt};
    if (dom) a.dom = Handle(*dom);
    auto r = Call<IntRet>(RemoteProc::kConnectDomainEventCallbackRegisterAny, a);
    if (!r) return std::unexpected(r.error());
    routes_->Route(r->value, std::move(callback));
    return std::unique_ptr<driver::JobEventSubscription>(
        std::make_unique<RemoteJobSubscription>(this, routes_, r->value));
  }
  Status Deregister(std::int32_t callback_id) {
    return Void(Call<VoidRet>(RemoteProc::kConnectDomainEventCallbackDeregisterAny,
                              EventDeregisterAnyArgs{callback_id}));
  }

 private:
  static Result<DomainRef> Dom(Result<DomainRet> r) {
    if (!r) return std::unexpected(r.error());
    return Ref(r->dom);
  }
  static Result<std::string> Str(Result<StringRet> r) {
    if (!r) return std::unexpected(r.error());
    return std::move(r->value);
  }
  static Result<std::string> Name(Result<CheckpointRet> r) {
    if (!r) return std::unexpected(r.error());
    return std::move(r->checkpoint.name);
  }
  static Result<std::vector<std::string>> Names(Result<ListCheckpointsRet> r) {
    if (!r) return std::unexpected(r.error());
    std::vector<std::string> out;
    for (RemoteCheckpoint& c : r->checkpoints.items) out.push_back(std::move(c.name));
    return out;
  }
  static Status Void(Result<VoidRet> r) {
    if (!r) return std::unexpected(r.error());
    return {};
  }

  std::unique_ptr<RpcClient> client_;
  std::optional<driver::PeerCredentials> peer_;
  std::shared_ptr<EventRoutes> routes_;
  std::string uri_;
  std::string type_;
  bool closed_ = false;
};

RemoteJobSubscription::~RemoteJobSubscription() {
  {
    std::lock_guard lock(routes_->mutex);
    routes_->callbacks.erase(callback_id_);
  }
  (void)driver_->Deregister(callback_id_);
}

}  // namespace

bool IsRemoteUri(const driver::ConnectUri& uri) { return driver::NamesDaemon(uri); }

Result<std::unique_ptr<driver::Driver>> OpenRemoteDriver(const driver::ConnectUri& uri,
                                                         bool read_only) {
  const std::size_t plus = uri.scheme.find('+');
  if (plus != std::string::npos && uri.scheme.substr(plus + 1) != "unix") {
    return Fail(ErrorCode::kNoConnect, ErrorDomain::kRemote,
                fmt::format("transport '{}' of '{}' is not supported: use +unix",
                            uri.scheme.substr(plus + 1), uri.text));
  }
  if (!uri.host.empty()) {
    return Fail(ErrorCode::kNoConnect, ErrorDomain::kRemote,
                fmt::format("remote hosts are not supported ('{}'): use a local socket", uri.text));
  }
  Result<DaemonSocket> socket = SocketOf(uri, read_only);
  if (!socket) return std::unexpected(socket.error());
  auto routes = std::make_shared<EventRoutes>();
  Result<Connected> connected =
      ConnectTo(*socket, [routes](const Packet& p) { routes->Deliver(p); });
  if (!connected) return std::unexpected(connected.error());
  RpcClient& c = *connected->client;
  auto auth = c.Call<AuthListRet>(RemoteProc::kAuthList, VoidArgs{});
  if (!auth) return std::unexpected(auth.error());
  bool none = false;
  for (std::int32_t t : auth->types.items) none |= t == kAuthNone;
  if (!none) {
    return Fail(ErrorCode::kAuthFailed, ErrorDomain::kRemote,
                fmt::format("the daemon at '{}' wants authentication Cairn does not offer (only "
                            "'none' is supported)",
                            socket->path));
  }
  auto open = c.Call<VoidRet>(RemoteProc::kConnectOpen,
                              ConnectOpenArgs{OpenName(uri), read_only ? Bits(ConnectFlags::kReadOnly) : 0u});
  if (!open) return std::unexpected(open.error());
  auto type = c.Call<StringRet>(RemoteProc::kConnectGetType, VoidArgs{});
  if (!type) return std::unexpected(type.error());
  // Cairn's name for the test driver (libvirt's wire says "TEST").
  std::string name = type->value == "TEST" ? "Test" : type->value;
  return std::unique_ptr<driver::Driver>(
      std::make_unique<RemoteDriver>(std::move(*connected), std::move(routes), uri.text,
                                     std::move(name)));
}

}  // namespace cairn::drivers::remote
