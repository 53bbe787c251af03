// rpc/remote_protocol.hpp — the procedures of libvirt's REMOTE program that Cairn serves and
// calls (the checkpoint and backup API, the domain and connection calls around them, the
// job-completed event), with their argument and return structures in wire order. Numbers
// and layouts are the wire contract of libvirt 9.0 (restated from its documentation and
// observed traffic, not copied from its .x files); the codec is xdr_codec.hpp. A procedure
// whose arguments or return are void has no structure here. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rpc/remote_types.hpp"
#include "rpc/xdr_codec.hpp"

namespace cairn::rpc {

enum class RemoteProc : std::int32_t {
  kConnectOpen = 1,
  kConnectClose = 2,
  kConnectGetType = 3,
  kConnectGetVersion = 4,
  kConnectGetCapabilities = 7,
  kDomainCreate = 9,
  kDomainDefineXml = 11,
  kDomainDestroy = 12,
  kDomainGetXmlDesc = 14,
  kDomainGetAutostart = 15,
  kDomainGetInfo = 16,
  kDomainGetOsType = 19,
  kDomainLookupById = 22,
  kDomainLookupByName = 23,
  kDomainLookupByUuid = 24,
  kDomainUndefine = 35,
  kDomainReboot = 27,
  kDomainResume = 28,
  kDomainShutdown = 33,
  kDomainSuspend = 34,
  kConnectGetHostname = 59,
  kConnectSupportsFeature = 60,
  kAuthList = 66,
  kConnectGetUri = 110,
  kDomainGetSecurityLabel = 121,
  kNodeGetSecurityModel = 122,
  kConnectIsSecure = 149,
  kDomainIsActive = 150,
  kDomainIsPersistent = 151,
  kConnectGetLibVersion = 157,
  kDomainGetJobInfo = 163,
  kDomainAbortJob = 164,
  kDomainHasManagedSaveImage = 183,
  kDomainCreateWithFlags = 196,
  kDomainGetState = 212,
  kDomainUndefineFlags = 231,
  kDomainDestroyFlags = 234,
  kDomainGetBlockJobInfo = 238,
  kDomainShutdownFlags = 258,
  kConnectListAllDomains = 273,
  kDomainGetJobStats = 298,
  kConnectDomainEventCallbackRegisterAny = 316,
  kConnectDomainEventCallbackDeregisterAny = 317,
  kDomainFsfreeze = 335,
  kDomainFsthaw = 336,
  kDomainDefineXmlFlags = 350,
  kConnectRegisterCloseCallback = 360,
  kConnectUnregisterCloseCallback = 361,
  kDomainEventCallbackJobCompleted = 363,  // a MESSAGE from the server
  kDomainCheckpointCreateXml = 411,
  kDomainCheckpointGetXmlDesc = 412,
  kDomainListAllCheckpoints = 413,
  kDomainCheckpointListAllChildren = 414,
  kDomainCheckpointLookupByName = 415,
  kDomainCheckpointGetParent = 416,
  kDomainCheckpointDelete = 417,
  kDomainBackupBegin = 421,
  kDomainBackupGetXmlDesc = 422,
  kDomainAbortJobFlags = 442,
};

// KEEPALIVE program procedures (MESSAGE packets, no payload).
enum class KeepaliveProc : std::int32_t { kPing = 1, kPong = 2 };

// CONNECT_SUPPORTS_FEATURE numbers a client probes.
inline constexpr std::int32_t kFeatureProgramKeepalive = 10;
inline constexpr std::int32_t kFeatureRemoteEventCallback = 14;
inline constexpr std::int32_t kFeatureRemoteCloseCallback = 15;
inline constexpr std::int32_t kAuthNone = 0;
inline constexpr std::int32_t kEventIdJobCompleted = 21;

#define CAIRN_RPC_TIE(...)                                  \
  auto Tie() { return std::tie(__VA_ARGS__); }              \
  auto Tie() const { return std::tie(__VA_ARGS__); }

// One-field shapes many procedures share.
struct DomainArgs {  // dom
  RemoteDomain dom;
  CAIRN_RPC_TIE(dom)
};
struct DomainFlagsArgs {  // dom, flags
  RemoteDomain dom;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(dom, flags)
};
struct DomainRet {
  RemoteDomain dom;
  CAIRN_RPC_TIE(dom)
};
struct StringRet {  // type, hostname, capabilities, uri, xml, os type
  std::string value;
  CAIRN_RPC_TIE(value)
};
struct IntRet {  // supported, secure, autostart, active, persistent, filesystems, callbackID
  std::int32_t value = 0;
  CAIRN_RPC_TIE(value)
};
struct HyperRet {  // hv_ver, lib_ver
  std::uint64_t value = 0;
  CAIRN_RPC_TIE(value)
};
struct CheckpointFlagsArgs {  // checkpoint, flags
  RemoteCheckpoint checkpoint;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(checkpoint, flags)
};
struct CheckpointRet {
  RemoteCheckpoint checkpoint;
  CAIRN_RPC_TIE(checkpoint)
};

struct ConnectOpenArgs {
  std::optional<std::string> name;
  std::uint32_t flags = 0;  // 1 = VIR_CONNECT_RO
  CAIRN_RPC_TIE(name, flags)
};
struct SupportsFeatureArgs {
  std::int32_t feature = 0;
  CAIRN_RPC_TIE(feature)
};
struct AuthListRet {
  Array<std::int32_t, 20> types;
  CAIRN_RPC_TIE(types)
};
struct ListAllDomainsArgs {
  std::int32_t need_results = 0;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(need_results, flags)
};
struct ListAllDomainsRet {
  Array<RemoteDomain, kListMax> domains;
  std::uint32_t ret = 0;
  CAIRN_RPC_TIE(domains, ret)
};
struct DefineXmlArgs {
  std::string xml;
  CAIRN_RPC_TIE(xml)
};
struct DefineXmlFlagsArgs {
  std::string xml;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(xml, flags)
};
struct LookupByIdArgs {
  std::int32_t id = 0;
  CAIRN_RPC_TIE(id)
};
struct LookupByNameArgs {
  std::string name;
  CAIRN_RPC_TIE(name)
};
struct LookupByUuidArgs {
  Uuid uuid;
  CAIRN_RPC_TIE(uuid)
};
// unsigned char state and unsigned short nrVirtCpu each travel in a 4-byte word.
struct DomainGetInfoRet {
  std::uint32_t state = 0;
  std::uint64_t max_mem = 0;
  std::uint64_t memory = 0;
  std::uint32_t nr_virt_cpu = 0;
  std::uint64_t cpu_time = 0;
  CAIRN_RPC_TIE(state, max_mem, memory, nr_virt_cpu, cpu_time)
};
// Security model and label: `char x<N>` is rpcgen's xdr_char array, one XDR int per
// character, and libvirt counts the string's terminating NUL in (CharArray / CharArrayText).
inline constexpr std::uint32_t kSecurityModelMax = 257;   // VIR_SECURITY_MODEL_BUFLEN
inline constexpr std::uint32_t kSecurityDoiMax = 257;     // VIR_SECURITY_DOI_BUFLEN
inline constexpr std::uint32_t kSecurityLabelMax = 4097;  // VIR_SECURITY_LABEL_BUFLEN
template <std::uint32_t Max>
Array<std::int32_t, Max> CharArray(std::string_view text) {
  Array<std::int32_t, Max> a;
  for (char c : text.substr(0, Max - 1)) a.items.push_back(static_cast<signed char>(c));
  a.items.push_back(0);
  return a;
}
template <std::uint32_t Max>
std::string CharArrayText(const Array<std::int32_t, Max>& a) {
  std::string text;
  for (std::int32_t c : a.items) {
    if (c == 0) break;
    text += static_cast<char>(c);
  }
  return text;
}
struct NodeGetSecurityModelRet {
  Array<std::int32_t, kSecurityModelMax> model;
  Array<std::int32_t, kSecurityDoiMax> doi;
  CAIRN_RPC_TIE(model, doi)
};
struct DomainGetSecurityLabelRet {
  Array<std::int32_t, kSecurityLabelMax> label;
  std::int32_t enforcing = 0;
  CAIRN_RPC_TIE(label, enforcing)
};
struct DomainGetStateRet {
  std::int32_t state = 0;
  std::int32_t reason = 0;
  CAIRN_RPC_TIE(state, reason)
};
struct GetBlockJobInfoArgs {
  RemoteDomain dom;
  std::string path;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(dom, path, flags)
};
struct GetBlockJobInfoRet {
  std::int32_t found = 0;
  std::int32_t type = 0;
  std::uint64_t bandwidth = 0;
  std::uint64_t cur = 0;
  std::uint64_t end = 0;
  CAIRN_RPC_TIE(found, type, bandwidth, cur, end)
};
struct FsfreezeArgs {  // FSFREEZE and FSTHAW
  RemoteDomain dom;
  Array<std::string, 256> mountpoints;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(dom, mountpoints, flags)
};
struct CheckpointCreateXmlArgs {
  RemoteDomain dom;
  std::string xml_desc;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(dom, xml_desc, flags)
};
struct ListAllCheckpointsArgs {
  RemoteDomain dom;
  std::int32_t need_results = 0;  // 0: count only
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(dom, need_results, flags)
};
struct ListAllChildrenArgs {
  RemoteCheckpoint checkpoint;
  std::int32_t need_results = 0;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(checkpoint, need_results, flags)
};
struct ListCheckpointsRet {
  Array<RemoteCheckpoint, kListMax> checkpoints;
  std::int32_t ret = 0;
  CAIRN_RPC_TIE(checkpoints, ret)
};
struct CheckpointLookupByNameArgs {
  RemoteDomain dom;
  std::string name;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(dom, name, flags)
};
struct BackupBeginArgs {
  RemoteDomain dom;
  std::string backup_xml;
  std::optional<std::string> checkpoint_xml;
  std::uint32_t flags = 0;
  CAIRN_RPC_TIE(dom, backup_xml, checkpoint_xml, flags)
};
struct GetJobInfoRet {
  std::int32_t type = 0;
  std::uint64_t time_elapsed = 0, time_remaining = 0;
  std::uint64_t data_total = 0, data_processed = 0, data_remaining = 0;
  std::uint64_t mem_total = 0, mem_processed = 0, mem_remaining = 0;
  std::uint64_t file_total = 0, file_processed = 0, file_remaining = 0;
  CAIRN_RPC_TIE(type, time_elapsed, time_remaining, data_total, data_processed, data_remaining,
                mem_total, mem_processed, mem_remaining, file_total, file_processed,
                file_remaining)
};
struct GetJobStatsRet {
  std::int32_t type = 0;
  Array<TypedParam, kJobStatsMax> params;
  CAIRN_RPC_TIE(type, params)
};
struct EventRegisterAnyArgs {
  std::int32_t event_id = 0;
  std::optional<RemoteDomain> dom;  // absent: every domain
  CAIRN_RPC_TIE(event_id, dom)
};
struct EventDeregisterAnyArgs {
  std::int32_t callback_id = 0;
  CAIRN_RPC_TIE(callback_id)
};
struct JobCompletedEvent {
  std::int32_t callback_id = 0;
  RemoteDomain dom;
  Array<TypedParam, kJobStatsMax> params;
  CAIRN_RPC_TIE(callback_id, dom, params)
};

#undef CAIRN_RPC_TIE

}  // namespace cairn::rpc
