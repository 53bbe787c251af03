#include "tools/cairn-backup/catalogue.hpp"

#include <ctime>

#include <fmt/format.h>

namespace cairn::backup {
namespace {

std::uint64_t Logical(const repo::BackupManifest& m) {
  std::uint64_t n = 0;
  for (const repo::DiskRecord& d : m.disks) n += d.size;
  return n;
}

std::uint64_t Stored(const repo::BackupManifest& m) {
  std::uint64_t n = 0;
  for (const repo::DiskRecord& d : m.disks) n += d.bytes_stored;
  return n;
}

std::string LocalTime(std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

std::string Seconds(const repo::BackupManifest& m) {
  return fmt::format("{:.1f} s", double(m.completed_ms - m.started_ms) / 1000.0);
}

}  // namespace

std::string HumanBytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = double(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 5) v /= 1024, ++unit;
  const int decimals = v < 10 ? 2 : v < 100 ? 1 : 0;
  return fmt::format("{:.{}f} {}", v, decimals, kUnits[unit]);
}

const repo::VerificationRecord* FindVerification(const Verifications& verified,
                                                 const std::string& id) {
  auto it = verified.find(id);
  return it == verified.end() ? nullptr : &it->second;
}

std::string FormatBackupTable(const std::vector<repo::BackupManifest>& backups,
                              const Verifications& verified) {
  constexpr std::string_view kRow = "{:<29} {:<16} {:<5} {:<19} {:<10} {:>10} {:>10} {:>8} {:<8}\n";
  std::string out = fmt::format(kRow, "ID", "Domain", "Level", "Time", "Disks", "Size",
                                "New data", "Duration", "Verified");
  out += std::string(123, '-') + "\n";
  for (const repo::BackupManifest& m : backups) {
    std::string disks;
    for (const repo::DiskRecord& d : m.disks) disks += (disks.empty() ? "" : ",") + d.name;
    const repo::VerificationRecord* v = FindVerification(verified, m.id);
    out += fmt::format(kRow, m.id, m.domain_name, m.level, LocalTime(m.started_ms), disks,
                       HumanBytes(Logical(m)), HumanBytes(Stored(m)), Seconds(m),
                       !v ? "never" : v->ok ? "ok" : "DAMAGED");
  }
  return out;
}

std::string FormatBackupInfo(const repo::BackupManifest& m,
                             const repo::VerificationRecord* verified) {
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    out += fmt::format("{:<16}{}\n", fmt::format("{}:", key), value);
  };
  line("Backup", m.id);
  line("Domain", fmt::format("{} ({})", m.domain_name, m.domain_uuid));
  line("Level", m.level);
  line("Checkpoint", m.checkpoint);
  if (m.base_checkpoint) line("Since", *m.base_checkpoint);
  if (m.parent) line("Follows", *m.parent);
  line("Started", LocalTime(m.started_ms));
  line("Duration", Seconds(m));
  line("Size", HumanBytes(Logical(m)));
  line("New data", HumanBytes(Stored(m)));
  line("Tool", "cairn-backup " + m.tool_version);
  line("Verified", !verified ? std::string("never")
                   : verified->ok
                       ? fmt::format("ok, {}", LocalTime(verified->verified_ms))
                       : fmt::format("DAMAGED ({} problem(s)), {}", verified->problems,
                                     LocalTime(verified->verified_ms)));
  for (const repo::DiskRecord& d : m.disks) {
    out += fmt::format("Disk {}:\n", d.name);
    out += fmt::format("  {:<14}{}\n", "Format:", d.format);
    out += fmt::format("  {:<14}{}\n", "Size:", HumanBytes(d.size));
    out += fmt::format("  {:<14}{}\n", "Allocated:", HumanBytes(d.bytes_allocated));
    out += fmt::format("  {:<14}{}\n", "Read:", HumanBytes(d.bytes_read));
    out += fmt::format("  {:<14}{}\n", "New data:", HumanBytes(d.bytes_stored));
    if (d.read_in_full) out += fmt::format("  {:<14}{}\n", "Read in full:", d.full_read_reason);
    out += fmt::format("  {:<14}{}\n", "Digest:", d.sha256);
  }
  return out;
}

nlohmann::json BackupSummaryJson(const repo::BackupManifest& m,
                                 const repo::VerificationRecord* verified) {
  nlohmann::json disks = nlohmann::json::array();
  for (const repo::DiskRecord& d : m.disks) {
    disks.push_back({{"name", d.name},
                     {"format", d.format},
                     {"size", d.size},
                     {"allocated", d.bytes_allocated},
                     {"read", d.bytes_read},
                     {"stored", d.bytes_stored},
                     {"read_in_full", d.read_in_full},
                     {"full_read_reason", d.full_read_reason},
                     {"sha256", d.sha256}});
  }
  return {{"id", m.id},
          {"domain", m.domain_name},
          {"uuid", m.domain_uuid},
          {"level", m.level},
          {"checkpoint", m.checkpoint},
          {"base_checkpoint", m.base_checkpoint ? nlohmann::json(*m.base_checkpoint) : nullptr},
          {"parent", m.parent ? nlohmann::json(*m.parent) : nullptr},
          {"started_ms", m.started_ms},
          {"completed_ms", m.completed_ms},
          {"size", Logical(m)},
          {"stored", Stored(m)},
          {"disks", disks},
          {"verified", verified ? nlohmann::json({{"ok", verified->ok},
                                                  {"verified_ms", verified->verified_ms},
                                                  {"problems", verified->problems}})
                                : nlohmann::json(nullptr)}};
}

}  // namespace cairn::backup
