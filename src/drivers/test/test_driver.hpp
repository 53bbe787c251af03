// The test driver behind test:///default: an in-memory hypervisor, fresh for every
// connection, holding libvirt's default test domain ("test", running, id 1, one disk vda).
// It is a full peer of the qemu driver for the API (domains, checkpoints), with libvirt's
// test-driver behaviour: checkpoints are metadata only — nothing tracks blocks, QUIESCE is
// accepted and does nothing, SIZE reports 1024 bytes per bitmap disk, REDEFINE_VALIDATE is
// not accepted. Lifecycle as libvirt's test driver: shutdown stops the domain at once
// (flags unsupported), reboot leaves it running (a paused one too), suspend / resume toggle
// paused; CPU time is the current time, the OS type "linux", the version 2.
// Not thread-safe by itself: the API serialises calls per connection.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "conf/domain_def.hpp"
#include "driver/driver.hpp"
#include "driver/uri.hpp"
#include "model/domain_checkpoints.hpp"

namespace cairn::drivers::test {

// Opens test:///default. Any other path: VIR_ERR_OPERATION_UNSUPPORTED naming it.
Result<std::unique_ptr<driver::Driver>> OpenTestDriver(const driver::ConnectUri& uri,
                                                       bool read_only);

class TestDriver : public driver::Driver {
 public:
  TestDriver();

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

  struct TestDomain {
    conf::DomainDef def;
    int id = -1;  // -1 while shut off
    bool persistent = true;
    model::DomainCheckpoints checkpoints;
    bool paused = false;  // running domain with its vCPUs stopped (suspend)
    driver::DomainRef Ref() const { return {def.name(), def.uuid(), id}; }
  };

 private:
  Result<TestDomain*> Find(const driver::DomainRef& dom);

  std::map<std::string, TestDomain, std::less<>> domains_;  // by name
  int next_id_ = 2;
};

// libvirt's default test domain, as `virsh -c test:///default dumpxml test` prints it.
extern const char kDefaultDomainXml[];

}  // namespace cairn::drivers::test
