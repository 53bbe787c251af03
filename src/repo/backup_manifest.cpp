#include "repo/backup_manifest.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace cairn::repo {
namespace {

constexpr int kFormat = 1;

nlohmann::json OptionalText(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::optional<std::string> ReadOptional(const nlohmann::json& j, const char* key) {
  const nlohmann::json& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<std::string>();
}

}  // namespace

std::string BackupManifest::Encode() const {
  nlohmann::json disks_json = nlohmann::json::array();
  for (const DiskRecord& d : disks) {
    disks_json.push_back({{"name", d.name},
                          {"format", d.format},
                          {"size", d.size},
                          {"index", d.index},
                          {"sha256", d.sha256},
                          {"read_in_full", d.read_in_full},
                          {"full_read_reason", d.full_read_reason},
                          {"bytes_read", d.bytes_read},
                          {"bytes_stored", d.bytes_stored},
                          {"bytes_allocated", d.bytes_allocated}});
  }
  nlohmann::json j = {{"format", kFormat},
                      {"id", id},
                      {"domain", {{"name", domain_name}, {"uuid", domain_uuid}}},
                      {"level", level},
                      {"checkpoint", checkpoint},
                      {"base_checkpoint", OptionalText(base_checkpoint)},
                      {"parent", OptionalText(parent)},
                      {"started_ms", started_ms},
                      {"completed_ms", completed_ms},
                      {"tool_version", tool_version},
                      {"domain_xml", domain_xml},
                      {"checkpoint_xml", checkpoint_xml},
                      {"disks", disks_json}};
  return j.dump(1) + "\n";
}

Result<BackupManifest> BackupManifest::Decode(std::string_view name, std::string_view json) {
  try {
    nlohmann::json j = nlohmann::json::parse(json);
    if (j.at("format").get<int>() != kFormat) {
      return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                  fmt::format("manifest '{}' has format {}; this cairn-backup reads format {}",
                              name, j.at("format").dump(), kFormat));
    }
    BackupManifest m;
    m.id = j.at("id").get<std::string>();
    m.domain_name = j.at("domain").at("name").get<std::string>();
    m.domain_uuid = j.at("domain").at("uuid").get<std::string>();
    m.level = j.at("level").get<std::string>();
    m.checkpoint = j.at("checkpoint").get<std::string>();
    m.base_checkpoint = ReadOptional(j, "base_checkpoint");
    m.parent = ReadOptional(j, "parent");
    m.started_ms = j.at("started_ms").get<std::int64_t>();
    m.completed_ms = j.at("completed_ms").get<std::int64_t>();
    m.tool_version = j.at("tool_version").get<std::string>();
    m.domain_xml = j.at("domain_xml").get<std::string>();
    m.checkpoint_xml = j.at("checkpoint_xml").get<std::string>();
    for (const nlohmann::json& d : j.at("disks")) {
      DiskRecord r;
      r.name = d.at("name").get<std::string>();
      r.format = d.at("format").get<std::string>();
      r.size = d.at("size").get<std::uint64_t>();
      r.index = d.at("index").get<std::string>();
      r.sha256 = d.at("sha256").get<std::string>();
      r.read_in_full = d.at("read_in_full").get<bool>();
      r.full_read_reason = d.at("full_read_reason").get<std::string>();
      r.bytes_read = d.at("bytes_read").get<std::uint64_t>();
      r.bytes_stored = d.at("bytes_stored").get<std::uint64_t>();
      r.bytes_allocated = d.at("bytes_allocated").get<std::uint64_t>();
      m.disks.push_back(std::move(r));
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                fmt::format("manifest '{}' is damaged: {}", name, e.what()));
  }
}

const DiskRecord* BackupManifest::FindDisk(std::string_view disk) const {
  for (const DiskRecord& d : disks) {
    if (d.name == disk) return &d;
  }
  return nullptr;
}

}  // namespace cairn::repo
