// The same REMOTE calls, made with Cairn's RpcClient, printed as decoded: run against
// libvirtd and against cairnd (run_rpc_diff.sh), the two transcripts must be identical, so
// Cairn's client speaks libvirtd's protocol and cairnd answers as libvirtd does, on the wire.
// The test driver (test:///default) is what both serve here, so no QEMU is involved.
//
// usage: wire_calls SOCKET
#include <cstdio>
#include <string>

#include "rpc/rpc_client.hpp"

using namespace cairn;
using namespace cairn::rpc;

namespace {

void Print(const std::string& what, const Error& e) {
  std::printf("%s: error code=%d domain=%d message=%s\n", what.c_str(), static_cast<int>(e.code()),
              static_cast<int>(e.domain()), e.Text().c_str());
}

template <typename R>
bool Report(const std::string& what, const Result<R>& r) {
  if (!r) {
    Print(what, r.error());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto client = RpcClient::ConnectUnix(argv[1]);
  if (!client) {
    std::printf("connect: %s\n", client.error().Text().c_str());
    return 1;
  }
  RpcClient& c = **client;
  auto auth = c.Call<AuthListRet>(RemoteProc::kAuthList, VoidArgs{});
  if (Report("auth list", auth)) std::printf("auth types: %zu first=%d\n", auth->types.items.size(), auth->types.items.at(0));
  for (int f : {kFeatureProgramKeepalive, kFeatureRemoteEventCallback, kFeatureRemoteCloseCallback}) {
    auto s = c.Call<IntRet>(RemoteProc::kConnectSupportsFeature, SupportsFeatureArgs{f});
    if (Report("feature", s)) std::printf("feature %d: %d\n", f, s->value);
  }
  auto open = c.Call<VoidRet>(RemoteProc::kConnectOpen, ConnectOpenArgs{"test:///default", 0});
  if (!Report("open", open)) return 1;
  auto type = c.Call<StringRet>(RemoteProc::kConnectGetType, VoidArgs{});
  if (Report("type", type)) std::printf("type: %s\n", type->value.c_str());
  auto ver = c.Call<HyperRet>(RemoteProc::kConnectGetVersion, VoidArgs{});
  if (Report("version", ver)) std::printf("hypervisor version: %llu\n", static_cast<unsigned long long>(ver->value));
  auto doms = c.Call<ListAllDomainsRet>(RemoteProc::kConnectListAllDomains, ListAllDomainsArgs{1, 0});
  if (Report("list", doms)) {
    for (const RemoteDomain& d : doms->domains.items) std::printf("domain: %s id=%d\n", d.name.c_str(), d.id);
  }
  Report("lookup nosuch", c.Call<DomainRet>(RemoteProc::kDomainLookupByName, LookupByNameArgs{"nosuch"}));
  auto dom = c.Call<DomainRet>(RemoteProc::kDomainLookupByName, LookupByNameArgs{"test"});
  if (!Report("lookup", dom)) return 1;
  const RemoteDomain test = dom->dom;
  auto info = c.Call<DomainGetInfoRet>(RemoteProc::kDomainGetInfo, DomainArgs{test});
  if (Report("info", info)) std::printf("info: state=%u maxmem=%llu vcpus=%u\n", info->state, static_cast<unsigned long long>(info->max_mem), info->nr_virt_cpu);
  auto state = c.Call<DomainGetStateRet>(RemoteProc::kDomainGetState, DomainFlagsArgs{test, 0});
  if (Report("state", state)) std::printf("state: %d\n", state->state);
  for (const char* name : {"c1", "c2"}) {
    auto cp = c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointCreateXml,
                                    CheckpointCreateXmlArgs{test, std::string("<domaincheckpoint><name>") + name + "</name></domaincheckpoint>", 0});
    if (Report("create", cp)) std::printf("created: %s of %s\n", cp->checkpoint.name.c_str(), cp->checkpoint.domain.name.c_str());
  }
  Report("create bad flags", c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointCreateXml,
                                                   CheckpointCreateXmlArgs{test, "<domaincheckpoint/>", 8}));
  Report("create bad xml", c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointCreateXml,
                                                 CheckpointCreateXmlArgs{test, "<domainsnapshot/>", 0}));
  auto list = c.Call<ListCheckpointsRet>(RemoteProc::kDomainListAllCheckpoints, ListAllCheckpointsArgs{test, 1, 2});
  if (Report("list checkpoints", list)) {
    std::printf("checkpoints: %d:", list->ret);
    for (const RemoteCheckpoint& x : list->checkpoints.items) std::printf(" %s", x.name.c_str());
    std::printf("\n");
  }
  auto count = c.Call<ListCheckpointsRet>(RemoteProc::kDomainListAllCheckpoints, ListAllCheckpointsArgs{test, 0, 0});
  if (Report("count checkpoints", count)) std::printf("count: %d items=%zu\n", count->ret, count->checkpoints.items.size());
  auto c1 = c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointLookupByName, CheckpointLookupByNameArgs{test, "c1", 0});
  if (!Report("lookup c1", c1)) return 1;
  Report("parent of c1", c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointGetParent, CheckpointFlagsArgs{c1->checkpoint, 0}));
  auto c2 = c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointLookupByName, CheckpointLookupByNameArgs{test, "c2", 0});
  if (Report("lookup c2", c2)) {
    auto p = c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointGetParent, CheckpointFlagsArgs{c2->checkpoint, 0});
    if (Report("parent of c2", p)) std::printf("parent of c2: %s\n", p->checkpoint.name.c_str());
    auto xml = c.Call<StringRet>(RemoteProc::kDomainCheckpointGetXmlDesc, CheckpointFlagsArgs{c2->checkpoint, 2});
    if (Report("xml", xml)) {
      std::string x = xml->value;
      auto a = x.find("<creationTime>"), b = x.find("</creationTime>");
      if (a != std::string::npos && b != std::string::npos) x.replace(a, b - a, "<creationTime>EPOCH");
      std::printf("xml:\n%s", x.c_str());
    }
    auto children = c.Call<ListCheckpointsRet>(RemoteProc::kDomainCheckpointListAllChildren, ListAllChildrenArgs{c1->checkpoint, 0, 1});
    if (Report("descendants", children)) std::printf("descendants of c1: %d\n", children->ret);
  }
  Report("lookup c9", c.Call<CheckpointRet>(RemoteProc::kDomainCheckpointLookupByName, CheckpointLookupByNameArgs{test, "c9", 0}));
  Report("delete exclusive", c.Call<VoidRet>(RemoteProc::kDomainCheckpointDelete, CheckpointFlagsArgs{c1->checkpoint, 1 | 4}));
  auto del = c.Call<VoidRet>(RemoteProc::kDomainCheckpointDelete, CheckpointFlagsArgs{c1->checkpoint, 1});
  if (Report("delete", del)) std::printf("deleted c1 and children\n");
  Report("job stats", c.Call<GetJobStatsRet>(RemoteProc::kDomainGetJobStats, DomainFlagsArgs{test, 0}));
  Report("unknown procedure", c.Call<VoidRet>(static_cast<RemoteProc>(9999), VoidArgs{}));
  auto close = c.Call<VoidRet>(RemoteProc::kConnectClose, VoidArgs{});
  if (Report("close", close)) std::printf("closed\n");
  return 0;
}
