// C API: virDomainCheckpoint* and virDomainListAllCheckpoints.
#include <cstdlib>

#include "capi/handles.hpp"
#include "capi/last_error.hpp"

namespace cairn::capi {
namespace {

virDomainCheckpointPtr Wrap(virDomainPtr domain, Result<Checkpoint> cp) {
  if (!cp) {
    SetLastError(cp.error());
    return nullptr;
  }
  return NewCheckpoint(domain, std::move(*cp));
}

// libvirt's list convention: count returned, array (when asked for) NULL-terminated.
int ReturnList(virDomainPtr domain, Result<std::vector<Checkpoint>> list,
               virDomainCheckpointPtr** out) {
  if (!list) {
    SetLastError(list.error());
    return -1;
  }
  if (out != nullptr) {
    auto* arr = static_cast<virDomainCheckpointPtr*>(
        std::calloc(list->size() + 1, sizeof(virDomainCheckpointPtr)));
    for (std::size_t i = 0; i < list->size(); ++i) arr[i] = NewCheckpoint(domain, (*list)[i]);
    *out = arr;
  }
  return static_cast<int>(list->size());
}

void UnrefCheckpoint(virDomainCheckpointPtr c) {
  if (c->refs.fetch_sub(1) == 1) {
    virDomainPtr domain = c->domain;
    c->magic = 0;
    delete c;
    UnrefDomain(domain);
  }
}

}  // namespace
}  // namespace cairn::capi

using namespace cairn::capi;  // NOLINT: the C shim is a flat list of entry points
using cairn::CheckpointCreateFlags;
using cairn::CheckpointDeleteFlags;
using cairn::CheckpointListFlags;
using cairn::CheckpointXmlFlags;

extern "C" {

const char* virDomainCheckpointGetName(virDomainCheckpointPtr checkpoint) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointGetName")) return nullptr;
  return checkpoint->cp.name().c_str();
}

virDomainPtr virDomainCheckpointGetDomain(virDomainCheckpointPtr checkpoint) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointGetDomain")) return nullptr;
  return checkpoint->domain;
}

virConnectPtr virDomainCheckpointGetConnect(virDomainCheckpointPtr checkpoint) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointGetConnect")) return nullptr;
  return checkpoint->domain->conn;
}

virDomainCheckpointPtr virDomainCheckpointCreateXML(virDomainPtr domain, const char* xmlDesc,
                                                    unsigned int flags) {
  if (!CheckDomain(domain, "virDomainCheckpointCreateXML")) return nullptr;
  return Wrap(domain, domain->dom.CheckpointCreateXml(Arg(xmlDesc),
                                                      static_cast<CheckpointCreateFlags>(flags)));
}

char* virDomainCheckpointGetXMLDesc(virDomainCheckpointPtr checkpoint, unsigned int flags) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointGetXMLDesc")) return nullptr;
  auto xml = checkpoint->cp.GetXmlDesc(static_cast<CheckpointXmlFlags>(flags));
  if (!xml) {
    SetLastError(xml.error());
    return nullptr;
  }
  return CopyString(*xml);
}

int virDomainListAllCheckpoints(virDomainPtr domain, virDomainCheckpointPtr** checkpoints,
                                unsigned int flags) {
  if (checkpoints != nullptr) *checkpoints = nullptr;
  if (!CheckDomain(domain, "virDomainListAllCheckpoints")) return -1;
  return ReturnList(domain,
                    domain->dom.ListAllCheckpoints(static_cast<CheckpointListFlags>(flags)),
                    checkpoints);
}

int virDomainCheckpointListAllChildren(virDomainCheckpointPtr checkpoint,
                                       virDomainCheckpointPtr** children, unsigned int flags) {
  if (children != nullptr) *children = nullptr;
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointListAllChildren")) return -1;
  return ReturnList(checkpoint->domain,
                    checkpoint->cp.ListAllChildren(static_cast<CheckpointListFlags>(flags)),
                    children);
}

virDomainCheckpointPtr virDomainCheckpointLookupByName(virDomainPtr domain, const char* name,
                                                       unsigned int flags) {
  if (!CheckDomain(domain, "virDomainCheckpointLookupByName")) return nullptr;
  return Wrap(domain, domain->dom.CheckpointLookupByName(Arg(name), flags));
}

virDomainCheckpointPtr virDomainCheckpointGetParent(virDomainCheckpointPtr checkpoint,
                                                    unsigned int flags) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointGetParent")) return nullptr;
  return Wrap(checkpoint->domain, checkpoint->cp.GetParent(flags));
}

int virDomainCheckpointDelete(virDomainCheckpointPtr checkpoint, unsigned int flags) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointDelete")) return -1;
  auto ok = checkpoint->cp.Delete(static_cast<CheckpointDeleteFlags>(flags));
  if (!ok) {
    SetLastError(ok.error());
    return -1;
  }
  return 0;
}

int virDomainCheckpointRef(virDomainCheckpointPtr checkpoint) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointRef")) return -1;
  checkpoint->refs.fetch_add(1);
  return 0;
}

int virDomainCheckpointFree(virDomainCheckpointPtr checkpoint) {
  if (!CheckCheckpoint(checkpoint, "virDomainCheckpointFree")) return -1;
  UnrefCheckpoint(checkpoint);
  return 0;
}

}  // extern "C"
