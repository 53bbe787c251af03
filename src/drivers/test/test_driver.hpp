// The test driver behind test:///default: an in-memory hypervisor holding libvirt's default
// test domain ("test", running, id 1, one disk vda). As in libvirt, one state serves every
// open test:///default connection of the process (read-only ones included) and is dropped
// when the last of them closes. It is a full peer of the qemu driver for the API (domains,
// checkpoints), with libvirt 9.0's test-driver behaviour: checkpoints are metadata only,
// QUIESCE is accepted and does nothing, SIZE adds nothing, REDEFINE_VALIDATE is refused.
// Lifecycle as libvirt's test driver: shutdown stops the domain at once (flags
// unsupported), reboot leaves it running (a paused one too), suspend / resume toggle paused;
// CPU time is the current time, the OS type "linux", the version 2.
// Thread-safe: every call holds the shared state's mutex (connections have their own locks).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "conf/domain_def.hpp"
#include "driver/driver.hpp"
#include "driver/uri.hpp"
#include "model/domain_checkpoints.hpp"

namespace cairn::drivers::test {

// Opens test:///default (read-only: a TestDriver that refuses changes). Any other path:
// VIR_ERR_OPERATION_UNSUPPORTED naming it.
Result<std::unique_ptr<driver::Driver>> OpenTestDriver(const driver::ConnectUri& uri,
                                                       bool read_only);

// What all open test:///default connections share.
struct TestState;

class TestDriver : public driver::Driver {
 public:
  // `read_only`: every call that changes state (or asks for secure XML) is refused with
  // VIR_ERR_OPERATION_DENIED, whoever calls it.
  TestDriver(std::shared_ptr<TestState> state, bool read_only)
      : state_(std::move(state)), read_only_(read_only) {}

  std::string_view Type() const override { return "Test"; }
  std::string Uri() const override { return "test:///default"; }

  Result<std::vector<driver::DomainRef>> ListDomains(unsigned flags) override;
  Result<driver::DomainRef> LookupDomainByName(std::string_view name) override;
  Result<driver::DomainRef> LookupDomainByUuid(std::string_view uuid) override;
  Result<driver::DomainRef> LookupDomainById(int id) override;
  Result<DomainInfo> GetDomainInfo(const driver::DomainRef& dom) override;
  Result<std::string> DomainGetXmlDesc(const driver::DomainRef& dom, unsigned flags) override;
  Result<driver::DomainRef> DefineDomainXml(std::string_view xml, unsigned flags) override;
  Status UndefineDomain(const driver::DomainRef& dom, unsigned flags) override;
  Result<driver::DomainRef> StartDomain(const driver::DomainRef& dom, unsigned flags) override;
  Status DestroyDomain(const driver::DomainRef& dom, unsigned flags) override;
  Status ShutdownDomain(const driver::DomainRef& dom, unsigned flags) override;
  Status RebootDomain(const driver::DomainRef& dom, unsigned flags) override;
  Status SuspendDomain(const driver::DomainRef& dom) override;
  Status ResumeDomain(const driver::DomainRef& dom) override;
  Result<std::string> DomainGetOsType(const driver::DomainRef& dom) override;
  Result<int> FreezeFilesystems(const driver::DomainRef& dom,
                                const std::vector<std::string>& mountpoints,
                                unsigned flags) override;
  Result<int> ThawFilesystems(const driver::DomainRef& dom,
                              const std::vector<std::string>& mountpoints,
                              unsigned flags) override;
  Result<SecurityModel> GetSecurityModel() override;
  Result<SecurityLabel> DomainGetSecurityLabel(const driver::DomainRef& dom) override;
  Result<unsigned long> HypervisorVersion() override { return 2; }  // libvirt's "0.0.2"

  Result<std::string> CheckpointCreateXml(const driver::DomainRef& dom, std::string_view xml,
                                          unsigned flags) override;
  Result<std::string> CheckpointGetXmlDesc(const driver::DomainRef& dom, std::string_view name,
                                           unsigned flags) override;
  Result<std::vector<std::string>> ListAllCheckpoints(const driver::DomainRef& dom,
                                                      unsigned flags) override;
  Result<std::vector<std::string>> CheckpointListAllChildren(const driver::DomainRef& dom,
                                                             std::string_view name,
                                                             unsigned flags) override;
  Status CheckpointLookupByName(const driver::DomainRef& dom, std::string_view name,
                                unsigned flags) override;
  Result<std::string> CheckpointGetParent(const driver::DomainRef& dom, std::string_view name,
                                          unsigned flags) override;
  Status CheckpointDelete(const driver::DomainRef& dom, std::string_view name,
                          unsigned flags) override;

 private:
  Status Writable(std::string_view function) const;
  Result<int> ChangeFrozen(const driver::DomainRef& dom, const std::vector<std::string>& mountpoints,
                           unsigned flags, bool freeze);

  std::shared_ptr<TestState> state_;
  bool read_only_ = false;
};

struct TestDomain {
  conf::DomainDef def;
  int id = -1;  // -1 while shut off
  bool persistent = true;
  model::DomainCheckpoints checkpoints{ErrorDomain::kTest};
  bool paused = false;  // running domain with its vCPUs stopped (suspend)
  // The guest's two filesystems, "/" and "/boot", frozen by virDomainFSFreeze. As in libvirt's
  // test driver, this outlives a restart of the domain.
  std::array<bool, 2> frozen{false, false};
  driver::DomainRef Ref() const { return {def.name(), def.uuid(), id}; }
};

struct TestState {
  TestState();  // the default domain only
  // The domain `ref` names, or VIR_ERR_NO_DOMAIN as libvirt's testDomObjFromDomain.
  Result<TestDomain*> Find(const driver::DomainRef& ref);

  std::mutex mutex;  // guards everything below
  std::map<std::string, TestDomain, std::less<>> domains;  // by name
  int next_id = 2;
};

// libvirt's default test domain, as `virsh -c test:///default dumpxml test` prints it.
extern const char kDefaultDomainXml[];

}  // namespace cairn::drivers::test
