// Test driver: connection, domains and their lifecycle.
#include "drivers/test/test_driver.hpp"

#include <fmt/format.h>

#include <chrono>

#include "conf/domain_identity.hpp"
#include "conf/uuid.hpp"

#include "driver/flag_bits.hpp"

namespace cairn::drivers::test {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kTest;

constexpr unsigned kUndefineCheckpointsMetadata = Bits(UndefineFlags::kCheckpointsMetadata);
using namespace driver::domain_xml_bits;

}  // namespace

Result<std::unique_ptr<driver::Driver>> OpenTestDriver(const driver::ConnectUri& uri,
                                                       bool read_only) {
  if (!uri.host.empty() || uri.path != "/default") {
    return Fail(ErrorCode::kOperationUnsupported, kErr,
                fmt::format("the test driver serves only test:///default, not '{}'", uri.text));
  }
  // libvirt's defaultPrivconn: shared while any connection holds it, rebuilt after the last
  // one is gone.
  static std::mutex open_mutex;
  static std::weak_ptr<TestState> open_state;
  std::lock_guard lock(open_mutex);
  std::shared_ptr<TestState> state = open_state.lock();
  if (!state) {
    state = std::make_shared<TestState>();
    open_state = state;
  }
  return std::make_unique<TestDriver>(std::move(state), read_only);
}

Status TestDriver::Writable(std::string_view function) const {
  return driver::RequireWritable(read_only_, function, kErr);
}

TestState::TestState() {
  Result<conf::DomainDef> def = conf::DomainDef::Parse(kDefaultDomainXml);
  // The built-in XML is part of the program: failing to parse it is a build defect.
  if (!def) std::abort();
  TestDomain dom{std::move(*def), 1, true};
  std::string name = dom.def.name();
  domains.emplace(std::move(name), std::move(dom));
}

Result<TestDomain*> TestState::Find(const driver::DomainRef& ref) {
  auto it = domains.find(ref.name);
  if (it == domains.end() || (!ref.uuid.empty() && it->second.def.uuid() != ref.uuid)) {
    return Fail(ErrorCode::kNoDomain, kErr,
                fmt::format("no domain with matching uuid '{}' ({})", ref.uuid, ref.name));
  }
  return &it->second;
}

Result<std::vector<driver::DomainRef>> TestDriver::ListDomains(unsigned flags) {
  std::lock_guard lock(state_->mutex);
  std::vector<driver::DomainRef> out;
  for (const auto& [name, d] : state_->domains) {
    if (driver::MatchesListFlags(flags, d.id >= 0, d.persistent, !d.checkpoints.empty())) {
      out.push_back(d.Ref());
    }
  }
  return out;
}

Result<driver::DomainRef> TestDriver::LookupDomainByName(std::string_view name) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->domains.find(name);
  if (it == state_->domains.end()) {
    // libvirt 9.0's testDomainLookupByName: the code's text alone.
    return Fail(ErrorCode::kNoDomain, kErr, "");
  }
  return it->second.Ref();
}

Result<driver::DomainRef> TestDriver::LookupDomainByUuid(std::string_view uuid) {
  std::lock_guard lock(state_->mutex);
  std::optional<std::string> canonical = conf::CanonicalUuid(uuid);
  for (const auto& [name, d] : state_->domains) {
    if (canonical && d.def.uuid() == *canonical) return d.Ref();
  }
  // libvirt 9.0's testDomainLookupByUUID: the code's text alone.
  return Fail(ErrorCode::kNoDomain, kErr, "");
}

Result<driver::DomainRef> TestDriver::LookupDomainById(int id) {
  std::lock_guard lock(state_->mutex);
  for (const auto& [name, d] : state_->domains) {
    if (d.id >= 0 && d.id == id) return d.Ref();
  }
  return Fail(ErrorCode::kNoDomain, kErr, fmt::format("no domain with matching id {}", id));
}

Result<DomainInfo> TestDriver::GetDomainInfo(const driver::DomainRef& ref) {
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  DomainInfo info;
  info.state = (*d)->id < 0   ? DomainState::kShutoff
               : (*d)->paused ? DomainState::kPaused
                              : DomainState::kRunning;
  // As libvirt's testDomainGetInfo: the current time, whatever the state.
  info.cpu_time_ns =
      static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  info.max_memory_kib = (*d)->def.memory_kib();
  info.memory_kib = (*d)->def.current_memory_kib();
  info.vcpus = (*d)->def.vcpus();
  info.persistent = (*d)->persistent;
  return info;
}

Result<std::string> TestDriver::DomainGetXmlDesc(const driver::DomainRef& ref, unsigned flags) {
  if (flags & kXmlSecure) {
    if (Status ok = Writable("virDomainGetXMLDesc"); !ok) return std::unexpected(ok.error());
  }
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  unsigned f = 0;
  if (flags & kXmlSecure) f |= conf::kDomainFormatSecure;
  if ((flags & kXmlInactive) || (*d)->id < 0) f |= conf::kDomainFormatInactive;
  return (*d)->def.Format(f);
}

Result<driver::DomainRef> TestDriver::DefineDomainXml(std::string_view xml, unsigned) {
  if (Status ok = Writable("virDomainDefineXML"); !ok) return std::unexpected(ok.error());
  std::lock_guard lock(state_->mutex);
  Result<conf::DomainDef> def = conf::DomainDef::Parse(xml);
  if (!def) return std::unexpected(def.error());
  std::vector<conf::DomainIdentity> defined;
  for (const auto& [name, d] : state_->domains) defined.push_back({name, d.def.uuid()});
  if (Status ok = conf::SettleDomainIdentity(*def, defined, kErr); !ok) {
    return std::unexpected(ok.error());
  }
  auto it = state_->domains.find(def->name());
  if (it != state_->domains.end()) {
    int id = it->second.id;
    it->second.def = std::move(*def);
    if (id >= 0) it->second.def.set_id(id);
    it->second.persistent = true;
    return it->second.Ref();
  }
  std::string name = def->name();
  TestDomain dom{std::move(*def), -1, true};
  auto [pos, inserted] = state_->domains.emplace(std::move(name), std::move(dom));
  return pos->second.Ref();
}

Status TestDriver::UndefineDomain(const driver::DomainRef& ref, unsigned flags) {
  if (Status ok = Writable("virDomainUndefineFlags"); !ok) return ok;
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  TestDomain& dom = **d;
  if (!dom.persistent) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "cannot undefine transient domain");
  }
  if (dom.id < 0 && !dom.checkpoints.empty() && !(flags & kUndefineCheckpointsMetadata)) {
    return Fail(
        ErrorCode::kOperationInvalid, kErr,
        fmt::format("cannot delete inactive domain with {} checkpoints", dom.checkpoints.size()));
  }
  if (dom.id >= 0) {
    dom.persistent = false;  // stays running as a transient domain
    return {};
  }
  state_->domains.erase(state_->domains.find(ref.name));
  return {};
}

Result<driver::DomainRef> TestDriver::StartDomain(const driver::DomainRef& ref, unsigned) {
  if (Status ok = Writable("virDomainCreateWithFlags"); !ok) return std::unexpected(ok.error());
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  if ((*d)->id >= 0) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "domain is already running");
  }
  (*d)->id = state_->next_id++;
  (*d)->def.set_id((*d)->id);
  return (*d)->Ref();
}

Status TestDriver::DestroyDomain(const driver::DomainRef& ref, unsigned) {
  if (Status ok = Writable("virDomainDestroyFlags"); !ok) return ok;
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  if ((*d)->id < 0) {
    return Fail(ErrorCode::kOperationInvalid, kErr, "domain is not running");
  }
  if (!(*d)->persistent) {
    // A transient domain ceases to exist when it stops, and its checkpoint metadata with it.
    state_->domains.erase(state_->domains.find(ref.name));
    return {};
  }
  (*d)->id = -1;
  (*d)->paused = false;
  (*d)->def.set_id(std::nullopt);
  return {};
}

Status TestDriver::ShutdownDomain(const driver::DomainRef& ref, unsigned flags) {
  if (Status ok = Writable("virDomainShutdownFlags"); !ok) return ok;
  if (flags != 0)
    return std::unexpected(driver::UnsupportedFlags(flags, "testDomainShutdownFlags"));
  {
    std::lock_guard lock(state_->mutex);
    Result<TestDomain*> d = state_->Find(ref);
    if (!d) return std::unexpected(d.error());
    if ((*d)->id < 0) {
      return Fail(ErrorCode::kInternalError, kErr,
                  fmt::format("domain '{}' not running", ref.name));
    }
  }
  return DestroyDomain(ref, 0);  // the test guest powers off at once
}

Status TestDriver::RebootDomain(const driver::DomainRef& ref, unsigned) {
  if (Status ok = Writable("virDomainReboot"); !ok) return ok;
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  if ((*d)->id < 0) return Fail(ErrorCode::kOperationInvalid, kErr, "domain is not running");
  (*d)->paused = false;  // on_reboot='restart': the guest comes back running
  return {};
}

Status TestDriver::SuspendDomain(const driver::DomainRef& ref) {
  if (Status ok = Writable("virDomainSuspend"); !ok) return ok;
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  if ((*d)->id < 0 || (*d)->paused) {
    return Fail(ErrorCode::kInternalError, kErr, fmt::format("domain '{}' not running", ref.name));
  }
  (*d)->paused = true;
  return {};
}

Status TestDriver::ResumeDomain(const driver::DomainRef& ref) {
  if (Status ok = Writable("virDomainResume"); !ok) return ok;
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  if ((*d)->id < 0 || !(*d)->paused) {
    return Fail(ErrorCode::kInternalError, kErr, fmt::format("domain '{}' not paused", ref.name));
  }
  (*d)->paused = false;
  return {};
}

Result<std::string> TestDriver::DomainGetOsType(const driver::DomainRef& ref) {
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  return std::string("linux");  // libvirt's testDomainGetOSType, whatever the XML says
}

// libvirt's testDomainFSFreeze / testDomainFSThaw: a running guest with "/" and "/boot";
// every mount point is checked before any changes; each counts once, if it changed.
Result<int> TestDriver::ChangeFrozen(const driver::DomainRef& ref,
                                     const std::vector<std::string>& mountpoints, unsigned flags,
                                     bool freeze) {
  const char* function = freeze ? "testDomainFSFreeze" : "testDomainFSThaw";
  if (flags != 0) return std::unexpected(driver::UnsupportedFlags(flags, function, kErr));
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  if ((*d)->id < 0) {
    // virDomainObjCheckActive reports from domain_conf.c, hence VIR_FROM_DOMAIN.
    return Fail(ErrorCode::kOperationInvalid, ErrorDomain::kDomain, "domain is not running");
  }
  static constexpr std::string_view kMounts[] = {"/", "/boot"};
  std::array<bool, 2> chosen{mountpoints.empty(), mountpoints.empty()};
  for (const std::string& m : mountpoints) {
    std::size_t i = 0;
    while (i < chosen.size() && kMounts[i] != m) ++i;
    if (i == chosen.size()) {
      return Fail(ErrorCode::kOperationInvalid, kErr, fmt::format("mount point not found: {}", m));
    }
    chosen[i] = true;
  }
  int changed = 0;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (!chosen[i] || (*d)->frozen[i] == freeze) continue;
    (*d)->frozen[i] = freeze;
    ++changed;
  }
  return changed;
}

Result<int> TestDriver::FreezeFilesystems(const driver::DomainRef& ref,
                                          const std::vector<std::string>& mountpoints,
                                          unsigned flags) {
  if (Status ok = Writable("virDomainFSFreeze"); !ok) return std::unexpected(ok.error());
  return ChangeFrozen(ref, mountpoints, flags, true);
}

Result<int> TestDriver::ThawFilesystems(const driver::DomainRef& ref,
                                        const std::vector<std::string>& mountpoints,
                                        unsigned flags) {
  if (Status ok = Writable("virDomainFSThaw"); !ok) return std::unexpected(ok.error());
  return ChangeFrozen(ref, mountpoints, flags, false);
}

// libvirt's test driver has a security model of its own, and labels every running domain.
Result<SecurityModel> TestDriver::GetSecurityModel() {
  return SecurityModel{"testSecurity", ""};
}

Result<SecurityLabel> TestDriver::DomainGetSecurityLabel(const driver::DomainRef& ref) {
  std::lock_guard lock(state_->mutex);
  Result<TestDomain*> d = state_->Find(ref);
  if (!d) return std::unexpected(d.error());
  if ((*d)->id < 0) return SecurityLabel{};
  return SecurityLabel{"libvirt-test", true};
}

}  // namespace cairn::drivers::test
