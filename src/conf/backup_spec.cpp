// BackupSpec and BackupJobInfo: XML through the conf parser and formatter, NBD URIs.
#include <fmt/format.h>

#include "cairn/backup_job_info.hpp"
#include "conf/backup_spec_conversion.hpp"

namespace cairn {
namespace conf {

BackupSpec ToBackupSpec(const BackupDef& def) {
  BackupSpec spec;
  spec.mode = def.mode == BackupMode::kPull ? cairn::BackupMode::kPull : cairn::BackupMode::kPush;
  spec.incremental = def.incremental;
  if (def.server) {
    spec.server = NbdServerSpec{def.server->transport, def.server->name, def.server->port,
                                def.server->socket};
  }
  for (const BackupDiskDef& d : def.disks) {
    BackupDiskSpec disk{d.name};
    disk.backup = d.backup;
    disk.mode = d.mode == BackupDiskMode::kFull          ? cairn::BackupDiskMode::kFull
                : d.mode == BackupDiskMode::kIncremental ? cairn::BackupDiskMode::kIncremental
                                                         : cairn::BackupDiskMode::kDefault;
    disk.incremental = d.incremental;
    disk.store_type =
        d.type == BackupStoreType::kBlock ? cairn::BackupStoreType::kBlock
                                          : cairn::BackupStoreType::kFile;
    disk.store_path = d.store_path;
    disk.format = d.format;
    disk.export_name = d.exportname;
    disk.export_bitmap = d.exportbitmap;
    spec.disks.push_back(std::move(disk));
  }
  return spec;
}

BackupDef ToBackupDef(const BackupSpec& spec) {
  BackupDef def;
  def.mode = spec.mode == cairn::BackupMode::kPull ? BackupMode::kPull : BackupMode::kPush;
  def.incremental = spec.incremental;
  if (spec.server) {
    BackupServerDef s;
    s.transport = spec.server->transport;
    s.name = spec.server->host;
    s.port = spec.server->port;
    s.socket = spec.server->socket;
    def.server = std::move(s);
  }
  for (const BackupDiskSpec& d : spec.disks) {
    BackupDiskDef disk;
    disk.name = d.name;
    disk.backup = d.backup;
    if (d.backup) {
      disk.mode = d.mode == cairn::BackupDiskMode::kFull          ? BackupDiskMode::kFull
                  : d.mode == cairn::BackupDiskMode::kIncremental ? BackupDiskMode::kIncremental
                                                                  : BackupDiskMode::kDefault;
      disk.incremental = d.incremental;
      disk.type = d.store_type == cairn::BackupStoreType::kBlock ? BackupStoreType::kBlock
                                                                 : BackupStoreType::kFile;
      disk.store_path = d.store_path;
      disk.format = d.format;
      disk.exportname = d.export_name;
      disk.exportbitmap = d.export_bitmap;
    }
    def.disks.push_back(std::move(disk));
  }
  return def;
}

}  // namespace conf

std::string NbdServerSpec::ExportUri(std::string_view export_name) const {
  if (transport == "unix") return fmt::format("nbd+unix:///{}?socket={}", export_name, socket);
  std::string name = host.empty() ? "localhost" : host;
  if (name.find(':') != std::string::npos) name = "[" + name + "]";
  return fmt::format("nbd://{}:{}/{}", name, port == 0 ? 10809u : port, export_name);
}

std::string BackupSpec::ToXml() const { return conf::FormatBackupXml(conf::ToBackupDef(*this), 0); }

Result<BackupSpec> BackupSpec::FromXml(std::string_view xml) {
  Result<conf::BackupDef> def = conf::ParseBackupXml(xml, 0);
  // A driver's own description (BackupGetXmlDesc) may carry what only drivers write:
  // libvirt 9.0 gives each disk an index= that its own input schema refuses. A document the
  // schema refuses is read again as a driver's document (without the schema); what the
  // parser itself refuses stays refused.
  if (!def && def.error().code() == ErrorCode::kXmlInvalidSchema) {
    if (Result<conf::BackupDef> described = conf::ParseBackupXml(xml, conf::kBackupParseInternal)) {
      def = std::move(described);
    }
  }
  if (!def) return std::unexpected(def.error());
  return conf::ToBackupSpec(*def);
}

std::string BackupSpec::ExportUri(const BackupDiskSpec& disk) const {
  if (mode != BackupMode::kPull || !disk.backup) return {};
  const NbdServerSpec server = this->server.value_or(NbdServerSpec{});
  if (server.transport != "unix" && server.transport != "tcp") return {};
  return server.ExportUri(disk.export_name.empty() ? disk.name : disk.export_name);
}

BackupJobInfo DescribeBackupJob(BackupSpec spec) {
  BackupJobInfo info;
  for (const BackupDiskSpec& d : spec.disks) {
    if (!d.backup) continue;
    BackupJobDisk disk{d.name, d.store_path};
    if (spec.mode == BackupMode::kPull) {
      disk.export_name = d.export_name.empty() ? d.name : d.export_name;
      disk.nbd_uri = spec.ExportUri(d);
    }
    info.disks.push_back(std::move(disk));
  }
  info.spec = std::move(spec);
  return info;
}

}  // namespace cairn
