// Public entry points of backup jobs on a domain: begin, XML, statistics, abort. Contract
// checks as libvirt's libvirt-domain.c makes them, then one driver call.
#include "cairn/backup.hpp"

#include <mutex>

#include "api/connection_state.hpp"
#include "api/entry_checks.hpp"
#include "cairn/domain.hpp"

namespace cairn {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kDomain;

driver::DomainRef Ref(const Domain& d) { return {d.name(), d.uuid(), d.id()}; }

}  // namespace

std::vector<TypedParam> JobStatsParams(const JobStats& s) {
  std::vector<TypedParam> out;
  if (s.type == JobType::kNone) return out;
  out.push_back({"operation", static_cast<int>(s.operation)});
  out.push_back({"time_elapsed", static_cast<unsigned long long>(s.time_elapsed_ms)});
  if (s.disk_total || s.disk_processed) {
    out.push_back({"disk_total", static_cast<unsigned long long>(s.disk_total.value_or(0))});
    out.push_back(
        {"disk_processed", static_cast<unsigned long long>(s.disk_processed.value_or(0))});
    out.push_back({"disk_remaining", static_cast<unsigned long long>(s.disk_remaining())});
  }
  if (s.disk_temp_used || s.disk_temp_total) {
    out.push_back(
        {"disk_temp_used", static_cast<unsigned long long>(s.disk_temp_used.value_or(0))});
    out.push_back(
        {"disk_temp_total", static_cast<unsigned long long>(s.disk_temp_total.value_or(0))});
  }
  if (s.success) out.push_back({"success", *s.success});
  if (s.errmsg) out.push_back({"errmsg", *s.errmsg});
  return out;
}

Status Domain::BackupBegin(std::string_view backup_xml, std::string_view checkpoint_xml,
                           BackupBeginFlags flags) const {
  constexpr const char* kFn = "virDomainBackupBegin";
  constexpr unsigned kKnown =
      Bits(BackupBeginFlags::kReuseExternal | BackupBeginFlags::kPreserveShutdownDomain);
  Status ok = api::RequireNonNull(backup_xml, "backupXML", kFn, kErr);
  if (ok) ok = api::RequireWritable(conn_->read_only, kFn, kErr);
  if (ok) ok = api::RequireKnownFlags(Bits(flags), kKnown, kFn, kErr);
  if (!ok) return ok;
  // A C caller's NULL (data() == nullptr) is "no checkpoint"; the seam says it by value.
  std::optional<std::string> checkpoint;
  if (checkpoint_xml.data() != nullptr) checkpoint.emplace(checkpoint_xml);
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->BackupBegin(Ref(*this), backup_xml, checkpoint, Bits(flags));
}

Result<std::string> Domain::BackupGetXmlDesc(unsigned flags) const {
  if (Status ok = api::RequireKnownFlags(flags, 0, "virDomainBackupGetXMLDesc", kErr); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->BackupGetXmlDesc(Ref(*this), flags);
}

Result<JobStats> Domain::GetJobStats(JobStatsFlags flags) const {
  constexpr unsigned kKnown = Bits(JobStatsFlags::kCompleted | JobStatsFlags::kKeepCompleted);
  if (Status ok = api::RequireKnownFlags(Bits(flags), kKnown, "virDomainGetJobStats", kErr); !ok) {
    return std::unexpected(ok.error());
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->GetJobStats(Ref(*this), Bits(flags));
}

Status Domain::AbortJob() const {
  if (Status ok = api::RequireWritable(conn_->read_only, "virDomainAbortJob", kErr); !ok) {
    return ok;
  }
  std::lock_guard lock(conn_->mutex);
  return conn_->driver->AbortJob(Ref(*this));
}

}  // namespace cairn
