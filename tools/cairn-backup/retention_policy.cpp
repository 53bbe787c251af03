#include "tools/cairn-backup/retention_policy.hpp"

#include <ctime>

#include <fmt/format.h>

namespace cairn::backup {
namespace {

std::string Bucket(std::int64_t unix_ms, const char* format) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

}  // namespace

std::vector<RetentionDecision> ApplyRetention(const std::vector<repo::BackupManifest>& backups,
                                              const RetentionPolicy& policy) {
  std::vector<RetentionDecision> out(backups.size());
  struct Rule {
    const char* name;
    const char* format;
    unsigned count;
    std::string last_bucket{};
  };
  std::vector<Rule> rules = {{"hourly", "%Y-%m-%d %H", policy.hourly},
                             {"daily", "%Y-%m-%d", policy.daily},
                             {"weekly", "%G-W%V", policy.weekly},
                             {"monthly", "%Y-%m", policy.monthly}};
  unsigned last = policy.last;
  for (std::size_t i = backups.size(); i-- > 0;) {
    RetentionDecision& d = out[i];
    if (last > 0) {
      --last;
      d.keep = true;
      d.reasons.push_back("last");
    }
    for (Rule& r : rules) {
      if (r.count == 0) continue;
      const std::string bucket = Bucket(backups[i].started_ms, r.format);
      if (bucket == r.last_bucket) continue;  // a newer backup already holds this bucket
      r.last_bucket = bucket;
      --r.count;
      d.keep = true;
      d.reasons.push_back(fmt::format("{} {}", r.name, bucket));
    }
  }
  return out;
}

}  // namespace cairn::backup
