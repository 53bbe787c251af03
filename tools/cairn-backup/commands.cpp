#include "tools/cairn-backup/commands.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "cairn/connection.hpp"
#include "cairn/domain.hpp"
#include "repo/repository.hpp"
#include "tools/cairn-backup/backup_run.hpp"
#include "tools/cairn-backup/backup_selector.hpp"
#include "tools/cairn-backup/backup_server.hpp"
#include "tools/cairn-backup/catalogue.hpp"
#include "tools/cairn-backup/disk_restore.hpp"
#include "tools/cairn-backup/domain_disks.hpp"
#include "tools/cairn-backup/progress_display.hpp"
#include "tools/cairn-backup/repository_cleanup.hpp"
#include "tools/cairn-backup/verify_run.hpp"
#include "util/time.hpp"

namespace cairn::backup {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;

std::unexpected<Error> Usage(std::string message) {
  return Fail(ErrorCode::kInvalidArg, kErr, std::move(message));
}

Result<std::filesystem::path> RepositoryPath(const CommandLine& cl) {
  if (cl.repository) return std::filesystem::path(*cl.repository);
  if (const char* env = std::getenv("CAIRN_BACKUP_REPOSITORY"); env && *env) {
    return std::filesystem::path(env);
  }
  return Usage("no repository: give -r REPO (or set CAIRN_BACKUP_REPOSITORY)");
}

Result<repo::Repository> OpenRepository(const CommandLine& cl) {
  Result<std::filesystem::path> path = RepositoryPath(cl);
  if (!path) return std::unexpected(path.error());
  std::optional<repo::RepositoryKey> key;
  if (cl.key_file) {
    Result<repo::RepositoryKey> k = repo::RepositoryKey::Load(*cl.key_file, false);
    if (!k) return std::unexpected(k.error());
    key = std::move(*k);
  }
  return repo::Repository::OpenDirectory(*path, std::move(key));
}

Result<Connection> OpenConnection(const CommandLine& cl) {
  return Connection::Open(cl.uri.value_or(""));
}

// `disk` of a backup in the repository `cl` names, for nbdkit's plugin (which runs with a
// working directory of its own: the path is absolute).
Result<ServedDisk> ServedDiskOf(const CommandLine& cl, const repo::DiskRecord& disk) {
  Result<std::filesystem::path> plugin = InstalledPlugin();
  if (!plugin) return std::unexpected(plugin.error());
  Result<std::filesystem::path> path = RepositoryPath(cl);
  if (!path) return std::unexpected(path.error());
  return ServedDisk{std::move(*plugin), std::filesystem::absolute(*path).string(),
                    cl.key_file ? std::filesystem::absolute(*cl.key_file).string() : "", disk};
}

Status NoOperands(const CommandLine& cl, std::size_t max) {
  if (cl.operands.size() > max) {
    return Usage(fmt::format("'{}' takes at most {} operand(s); '{}' is one too many", cl.command,
                             max, cl.operands[max]));
  }
  return {};
}

Status Init(const CommandLine& cl) {
  if (Status ok = NoOperands(cl, 0); !ok) return ok;
  Result<std::filesystem::path> path = RepositoryPath(cl);
  if (!path) return std::unexpected(path.error());
  repo::InitOptions options;
  if (std::optional<std::string> key_file = cl.Option("--encrypt")) {
    Result<repo::RepositoryKey> key = repo::RepositoryKey::Load(*key_file, true);
    if (!key) return std::unexpected(key.error());
    options.key = std::move(*key);
  }
  if (std::optional<std::string> size = cl.Option("--chunk-size")) {
    try {
      options.chunk_size = static_cast<std::uint32_t>(std::stoul(*size));
    } catch (const std::exception&) {
      return Usage(fmt::format("--chunk-size '{}' is not a number of bytes", *size));
    }
  }
  Result<repo::Repository> made = repo::Repository::InitDirectory(*path, options);
  if (!made) return std::unexpected(made.error());
  fmt::print("created repository {} at {}{}\n", made->id().substr(0, 8), path->string(),
             made->encrypted() ? " (encrypted: keep a copy of the key file elsewhere)" : "");
  return {};
}

Status Backup(const CommandLine& cl) {
  if (cl.operands.size() != 1) return Usage("usage: cairn-backup -r REPO backup DOMAIN");
  BackupRequest request;
  request.domain = cl.operands[0];
  const std::string level = cl.Option("--level").value_or("auto");
  if (level == "full") {
    request.level = BackupLevel::kFull;
  } else if (level == "inc") {
    request.level = BackupLevel::kIncremental;
  } else if (level != "auto") {
    return Usage(fmt::format("--level '{}' is not one of full, inc, auto", level));
  }
  request.disks = cl.Options("--disk");
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  Result<Connection> connection = OpenConnection(cl);
  if (!connection) return std::unexpected(connection.error());
  Result<repo::BackupManifest> done = [&] {
    // News and progress go to stderr, leaving stdout the result; the display ends first.
    ProgressDisplay display("backup", ProgressDisplay::StyleFor(cl.json));
    request.display = &display;
    return RunBackup(*connection, *repository, request);
  }();
  if (!done) return std::unexpected(done.error());
  if (cl.json) {
    fmt::print("{}\n", BackupSummaryJson(*done, nullptr).dump());
  } else {
    fmt::print("backup {} of {} ({}) committed\n{}", done->id, done->domain_name, done->level,
               FormatBackupInfo(*done, nullptr));
  }
  return {};
}

Status List(const CommandLine& cl) {
  if (Status ok = NoOperands(cl, 1); !ok) return ok;
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  std::optional<std::string_view> domain;
  if (!cl.operands.empty()) domain = cl.operands[0];
  Result<std::vector<repo::BackupManifest>> all = repository->ListBackups(domain);
  if (!all) return std::unexpected(all.error());
  Result<Verifications> verified = repository->LatestVerifications();
  if (!verified) return std::unexpected(verified.error());
  if (cl.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const repo::BackupManifest& m : *all) {
      out.push_back(BackupSummaryJson(m, FindVerification(*verified, m.id)));
    }
    fmt::print("{}\n", out.dump());
  } else {
    fmt::print("{}", FormatBackupTable(*all, *verified));
  }
  return {};
}

Status Info(const CommandLine& cl) {
  if (cl.operands.size() != 1) return Usage("usage: cairn-backup -r REPO info DOMAIN[@BACKUP]");
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  Result<repo::BackupManifest> m = SelectBackup(*repository, cl.operands[0]);
  if (!m) return std::unexpected(m.error());
  Result<Verifications> verified = repository->LatestVerifications();
  if (!verified) return std::unexpected(verified.error());
  const repo::VerificationRecord* v = FindVerification(*verified, m->id);
  fmt::print("{}", cl.json ? BackupSummaryJson(*m, v).dump() + "\n" : FormatBackupInfo(*m, v));
  return {};
}

Status Restore(const CommandLine& cl) {
  if (cl.operands.size() != 1) {
    return Usage("usage: cairn-backup -r REPO restore DOMAIN[@BACKUP] --to DIR");
  }
  std::optional<std::string> to = cl.Option("--to");
  if (!to) return Usage("restore needs --to DIR (where DISK.qcow2 or DISK.raw are written)");
  const std::string format_name = cl.Option("--format").value_or("qcow2");
  if (format_name != "qcow2" && format_name != "raw") {
    return Usage(fmt::format("--format '{}' is not qcow2 or raw", format_name));
  }
  const ImageFormat format = format_name == "raw" ? ImageFormat::kRaw : ImageFormat::kQcow2;
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  Result<repo::BackupManifest> m = SelectBackup(*repository, cl.operands[0]);
  if (!m) return std::unexpected(m.error());
  const std::vector<std::string>& wanted = cl.Options("--disk");
  for (const std::string& d : wanted) {
    if (!m->FindDisk(d)) {
      return Usage(fmt::format("backup {} has no disk '{}'", m->id, d));
    }
  }
  std::optional<std::string> to_domain = cl.Option("--to-domain");
  std::optional<Connection> connection;
  if (to_domain) {
    if (!wanted.empty()) {
      return Usage("restore --to-domain restores every disk of the backup: drop --disk");
    }
    Result<Connection> c = OpenConnection(cl);
    if (!c) return std::unexpected(c.error());
    if (c->LookupDomainByName(*to_domain)) {
      return Usage(fmt::format("domain '{}' already exists: choose another --to-domain name, "
                               "or undefine it first",
                               *to_domain));
    }
    connection = std::move(*c);
  }
  std::error_code ec;
  if (std::filesystem::create_directories(*to, ec); ec) {
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot create '{}': {}", *to, ec.message()));
  }
  std::vector<RestoredDisk> restored;
  for (const repo::DiskRecord& d : m->disks) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), d.name) == wanted.end()) {
      continue;
    }
    Result<repo::DiskIndex> index = repository->GetIndex(d.index);
    if (!index) return std::unexpected(index.error());
    const std::filesystem::path target =
        std::filesystem::path(*to) / fmt::format("{}.{}", d.name, format_name);
    Result<ServedDisk> served = ServedDiskOf(cl, d);
    if (!served) return std::unexpected(served.error());
    Result<RestoreTotals> done = [&] {
      ProgressDisplay display("restore", ProgressDisplay::StyleFor(cl.json));
      return RestoreDisk(*served, *index, target, format, &display.AddDisk(d.name));
    }();
    if (!done) return std::unexpected(done.error());
    restored.push_back(
        RestoredDisk{d.name, std::filesystem::absolute(target).lexically_normal().string(),
                     format_name});
    if (cl.json) {
      fmt::print("{}\n", nlohmann::json({{"disk", d.name},
                                         {"path", target.string()},
                                         {"bytes_written", done->bytes_written}})
                             .dump());
    } else {
      fmt::print("restored {} of backup {} to {} ({} written, verified)\n", d.name, m->id,
                 target.string(), HumanBytes(done->bytes_written));
    }
  }
  if (connection) {
    Result<std::string> xml = DomainXmlForRestore(m->domain_xml, *to_domain, restored);
    if (!xml) return std::unexpected(xml.error());
    Result<Domain> defined = connection->DefineDomainXml(*xml);
    if (!defined) return std::unexpected(defined.error());
    if (!cl.json) {
      fmt::print("defined domain {} on the restored disks (shut off; its first backup is a "
                 "full)\n",
                 defined->name());
    }
  }
  return {};
}

Status Verify(const CommandLine& cl) {
  if (Status ok = NoOperands(cl, 1); !ok) return ok;
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  // Shared, like a backup: gc must not delete chunks while they are checked.
  Result<std::unique_ptr<repo::StoreLock>> lock = repository->Lock(repo::LockMode::kShared, true);
  if (!lock) return std::unexpected(lock.error());
  std::vector<repo::BackupManifest> backups;
  if (!cl.operands.empty() && cl.operands[0].find('@') != std::string::npos) {
    Result<repo::BackupManifest> m = SelectBackup(*repository, cl.operands[0]);
    if (!m) return std::unexpected(m.error());
    backups.push_back(std::move(*m));
  } else {
    std::optional<std::string_view> domain;
    if (!cl.operands.empty()) domain = cl.operands[0];
    Result<std::vector<repo::BackupManifest>> all = repository->ListBackups(domain);
    if (!all) return std::unexpected(all.error());
    backups = std::move(*all);
  }
  Result<VerifyReport> report = VerifyBackups(*repository, backups);
  if (!report) return std::unexpected(report.error());
  const std::int64_t now = util::NowUnixMillis();
  std::vector<repo::VerificationRecord> records;
  for (const auto& [id, problems] : report->problems_by_backup) {
    records.push_back({id, now, problems == 0, problems});
  }
  if (Status ok = repository->RecordVerifications(records); !ok) return ok;
  for (const std::string& p : report->problems) fmt::print(stderr, "damaged: {}\n", p);
  if (cl.json) {
    fmt::print("{}\n", nlohmann::json({{"backups", report->backups},
                                       {"indexes", report->indexes},
                                       {"chunks", report->chunks},
                                       {"bytes", report->bytes},
                                       {"problems", report->problems}})
                           .dump());
  } else {
    fmt::print("verified {} backup(s): {} disk index(es), {} chunk(s), {}\n", report->backups,
               report->indexes, report->chunks, HumanBytes(report->bytes));
  }
  if (!report->problems.empty()) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("{} problem(s) found; the backups named above may not restore",
                            report->problems.size()));
  }
  return {};
}

Status PruneCommand(const CommandLine& cl) {
  if (Status ok = NoOperands(cl, 1); !ok) return ok;
  RetentionPolicy policy;
  const std::pair<const char*, unsigned*> keeps[] = {{"--keep-last", &policy.last},
                                                      {"--keep-hourly", &policy.hourly},
                                                      {"--keep-daily", &policy.daily},
                                                      {"--keep-weekly", &policy.weekly},
                                                      {"--keep-monthly", &policy.monthly}};
  for (const auto& [name, field] : keeps) {
    std::optional<std::string> v = cl.Option(name);
    if (!v) continue;
    if (v->empty() || v->find_first_not_of("0123456789") != std::string::npos) {
      return Usage(fmt::format("{} '{}' is not a count", name, *v));
    }
    *field = static_cast<unsigned>(std::stoul(*v));
  }
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  std::optional<std::string_view> domain;
  if (!cl.operands.empty()) domain = cl.operands[0];
  const bool dry_run = cl.Switch("--dry-run");
  Result<std::vector<PrunePlanEntry>> plan = Prune(*repository, domain, policy, dry_run);
  if (!plan) return std::unexpected(plan.error());
  nlohmann::json out = nlohmann::json::array();
  std::size_t removed = 0;
  for (const PrunePlanEntry& e : *plan) {
    removed += e.decision.keep ? 0 : 1;
    if (cl.json) {
      out.push_back({{"id", e.backup.id},
                     {"domain", e.backup.domain_name},
                     {"keep", e.decision.keep},
                     {"reasons", e.decision.reasons}});
    } else {
      fmt::print("{} {} {}{}\n", e.decision.keep ? "keep" : (dry_run ? "would remove" : "remove"),
                 e.backup.domain_name, e.backup.id,
                 e.decision.keep ? fmt::format(" ({})", fmt::join(e.decision.reasons, ", ")) : "");
    }
  }
  if (cl.json) {
    fmt::print("{}\n", out.dump());
  } else {
    fmt::print("{} backup(s) {}; run 'cairn-backup gc' to free their data\n", removed,
               dry_run ? "would be removed" : "removed");
  }
  return {};
}

Status GcCommand(const CommandLine& cl) {
  if (Status ok = NoOperands(cl, 0); !ok) return ok;
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  Result<GcReport> report = CollectGarbage(*repository, [] {
    fmt::print(stderr, "waiting for running backups to finish\n");
  });
  if (!report) return std::unexpected(report.error());
  if (cl.json) {
    fmt::print("{}\n", nlohmann::json({{"chunks_kept", report->chunks_kept},
                                       {"chunks_deleted", report->chunks_deleted},
                                       {"packs_deleted", report->packs_deleted},
                                       {"packs_rewritten", report->packs_rewritten},
                                       {"bytes_freed", report->bytes_freed},
                                       {"indexes_deleted", report->indexes_deleted}})
                           .dump());
  } else {
    fmt::print("deleted {} chunk(s) ({} pack(s) deleted, {} rewritten, {} bytes freed) and {} "
               "stray index(es); {} chunk(s) in use\n",
               report->chunks_deleted, report->packs_deleted, report->packs_rewritten,
               report->bytes_freed, report->indexes_deleted, report->chunks_kept);
  }
  return {};
}

Status Serve(const CommandLine& cl) {
  if (cl.operands.size() != 1) {
    return Usage("usage: cairn-backup -r REPO serve DOMAIN[@BACKUP] --disk D --socket PATH");
  }
  std::optional<std::string> socket = cl.Option("--socket"), tcp = cl.Option("--tcp");
  if (!socket == !tcp) return Usage("serve needs one of --socket PATH or --tcp HOST:PORT");
  Result<repo::Repository> repository = OpenRepository(cl);
  if (!repository) return std::unexpected(repository.error());
  Result<repo::BackupManifest> m = SelectBackup(*repository, cl.operands[0]);
  if (!m) return std::unexpected(m.error());
  std::optional<std::string> disk = cl.Option("--disk");
  if (!disk && m->disks.size() == 1) disk = m->disks[0].name;
  if (!disk) return Usage(fmt::format("backup {} has several disks: choose one with --disk", m->id));
  const repo::DiskRecord* record = m->FindDisk(*disk);
  if (!record) return Usage(fmt::format("backup {} has no disk '{}'", m->id, *disk));
  Result<ServedDisk> served = ServedDiskOf(cl, *record);
  if (!served) return std::unexpected(served.error());
  ServeRequest request{std::move(*served), socket.value_or(""), tcp.value_or("")};
  Result<std::vector<std::string>> argv = ServeCommandLine(request);
  if (!argv) return std::unexpected(argv.error());
  const std::string uri = socket ? "nbd+unix:///?socket=" + *socket : "nbd://" + *tcp + "/";
  if (cl.json) {
    fmt::print("{}\n", nlohmann::json({{"backup", m->id}, {"disk", *disk}, {"uri", uri}}).dump());
  } else {
    fmt::print("serving disk {} of backup {} read-only at {} (Ctrl-C stops)\n", *disk, m->id,
               uri);
  }
  return ExecServer(*argv);
}

}  // namespace

const char* UsageText() {
  return R"(usage: cairn-backup [-c URI] [-r REPO] [--key KEYFILE] [--json] COMMAND ...

Incremental-forever backups of QEMU domains into a verified, deduplicated repository.

  init [--encrypt KEYFILE] [--chunk-size BYTES]
                                  create a repository (KEYFILE is made if missing)
  backup DOMAIN [--level full|inc|auto] [--disk D]...
                                  back up every disk of DOMAIN at one instant
  list [DOMAIN]                   the backups in the repository
  info DOMAIN[@BACKUP]            one backup in detail (default: the latest)
  restore DOMAIN[@BACKUP] --to DIR [--disk D]... [--format qcow2|raw] [--to-domain NAME]
                                  write DIR/DISK.qcow2 (or .raw), checked byte for byte;
                                  --to-domain defines NAME from the saved XML on them
  verify [DOMAIN[@BACKUP]]        re-hash every chunk the backups use, without restoring
  prune [DOMAIN] --keep-last N [--keep-hourly N] [--keep-daily N] [--keep-weekly N]
        [--keep-monthly N] [--dry-run]
                                  forget the backups the policy does not keep
  gc                              delete the data no backup uses any more
  serve DOMAIN[@BACKUP] [--disk D] --socket PATH | --tcp HOST:PORT
                                  export a backup's disk read-only over NBD

-c URI   the connection (default: $CAIRN_DEFAULT_URI, else qemu:///session)
-r REPO  the repository directory (default: $CAIRN_BACKUP_REPOSITORY)
--key    the key file of an encrypted repository
--json   machine-readable output
)";
}

Status RunCommand(const CommandLine& cl) {
  if (cl.command == "help") {
    fmt::print("{}", UsageText());
    return {};
  }
  if (cl.command == "init") return Init(cl);
  if (cl.command == "backup") return Backup(cl);
  if (cl.command == "list") return List(cl);
  if (cl.command == "info") return Info(cl);
  if (cl.command == "restore") return Restore(cl);
  if (cl.command == "verify") return Verify(cl);
  if (cl.command == "prune") return PruneCommand(cl);
  if (cl.command == "gc") return GcCommand(cl);
  if (cl.command == "serve") return Serve(cl);
  return Usage(fmt::format("unknown command '{}'", cl.command));
}

}  // namespace cairn::backup
