#include "repo/repository.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <tuple>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "repo/directory_store.hpp"

namespace cairn::repo {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;
constexpr int kFormat = 2;
constexpr int kOldestFormat = 1;  // chunks/ objects, read beside packs
constexpr std::string_view kConfig = "config";
constexpr std::string_view kEncryption = "aes-256-gcm";

bool ValidChunkSize(std::uint32_t size) {
  return size >= 4096 && size <= (8u << 20) && (size & (size - 1)) == 0;
}

std::string ManifestPrefix(std::string_view domain_uuid) {
  return "manifests/" + ObjectNameComponent(domain_uuid);
}

constexpr std::string_view kVerifications = "verifications";

}  // namespace

std::string ObjectNameComponent(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                       (c == '.' && i > 0);
    if (plain) {
      out.push_back(c);
    } else {
      out += fmt::format("_{:02x}", static_cast<unsigned char>(c));
    }
  }
  return out.empty() ? "_" : out;
}

std::string Repository::NewBackupId(std::int64_t unix_ms) {
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dt%H%M%S", &tm);
  // Milliseconds: two runs in one second must still sort in the order they started.
  return fmt::format("{}.{:03d}z-{}", stamp, static_cast<int>(unix_ms % 1000), RandomHex(4));
}

Result<Repository> Repository::Init(std::unique_ptr<ObjectStore> store,
                                    const InitOptions& options) {
  if (!ValidChunkSize(options.chunk_size)) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("chunk size {} is not a power of two from 4096 to 8388608",
                            options.chunk_size));
  }
  const std::string id = RandomHex(16);
  nlohmann::json config = {{"format", kFormat},
                           {"id", id},
                           {"chunk_size", options.chunk_size},
                           {"zstd_level", options.zstd_level},
                           {"encryption", options.key ? kEncryption : "none"},
                           {"key_check", options.key ? options.key->CheckValue() : ""}};
  Result<bool> created = store->Put(kConfig, config.dump(1) + "\n");
  if (!created) return std::unexpected(created.error());
  if (!*created) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("'{}' already holds a repository", store->Describe()));
  }
  if (Status ok = store->Flush(); !ok) return std::unexpected(ok.error());
  return Repository(std::move(store), ObjectCodec(options.key, options.zstd_level),
                    options.chunk_size, id, kFormat);
}

Result<Repository> Repository::Open(std::unique_ptr<ObjectStore> store,
                                    std::optional<RepositoryKey> key) {
  Result<std::optional<std::string>> text = store->Get(kConfig);
  if (!text) return std::unexpected(text.error());
  if (!*text) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("'{}' holds no repository; create one with 'cairn-backup -r {} init'",
                            store->Describe(), store->Describe()));
  }
  try {
    nlohmann::json config = nlohmann::json::parse(**text);
    const int format = config.at("format").is_number_integer() ? config.at("format").get<int>() : 0;
    if (format < kOldestFormat || format > kFormat) {
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("repository '{}' has format {}; this cairn-backup reads formats {} "
                              "to {}: use the cairn-backup that made it",
                              store->Describe(), config.at("format").dump(), kOldestFormat,
                              kFormat));
    }
    const bool is_encrypted = config.at("encryption").get<std::string>() == kEncryption;
    if (is_encrypted && !key) {
      return Fail(ErrorCode::kOperationInvalid, kErr,
                  fmt::format("repository '{}' is encrypted: give its key file (--key FILE)",
                              store->Describe()));
    }
    if (!is_encrypted && key) {
      return Fail(ErrorCode::kOperationInvalid, kErr,
                  fmt::format("repository '{}' is not encrypted: drop --key", store->Describe()));
    }
    if (key && key->CheckValue() != config.at("key_check").get<std::string>()) {
      return Fail(ErrorCode::kAuthFailed, kErr,
                  fmt::format("the key file does not open repository '{}'", store->Describe()));
    }
    const auto chunk_size = config.at("chunk_size").get<std::uint32_t>();
    if (!ValidChunkSize(chunk_size)) {
      return Fail(ErrorCode::kOperationFailed, kErr,
                  fmt::format("repository '{}' has an invalid chunk size {}", store->Describe(),
                              chunk_size));
    }
    const int level = config.at("zstd_level").get<int>();
    std::string id = config.at("id").get<std::string>();
    return Repository(std::move(store), ObjectCodec(std::move(key), level), chunk_size,
                      std::move(id), format);
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("the config of repository '{}' is damaged: {}", store->Describe(),
                            e.what()));
  }
}

Result<Repository> Repository::InitDirectory(const std::filesystem::path& dir,
                                             const InitOptions& options) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot create repository directory '{}': {}", dir.string(),
                            std::strerror(errno)));
  }
  Result<std::unique_ptr<DirectoryStore>> store = DirectoryStore::Open(dir);
  if (!store) return std::unexpected(store.error());
  return Init(std::move(*store), options);
}

Result<Repository> Repository::OpenDirectory(const std::filesystem::path& dir,
                                             std::optional<RepositoryKey> key) {
  Result<std::unique_ptr<DirectoryStore>> store = DirectoryStore::Open(dir);
  if (!store) return std::unexpected(store.error());
  return Open(std::move(*store), std::move(key));
}

Result<std::string> Repository::PutIndex(std::string_view backup_id, std::string_view disk,
                                         const DiskIndex& index) {
  const std::string name =
      fmt::format("indexes/{}/{}", ObjectNameComponent(backup_id), ObjectNameComponent(disk));
  Result<std::string> sealed = codec_.Seal(name, index.Encode());
  if (!sealed) return std::unexpected(sealed.error());
  Result<bool> created = store_->Put(name, *sealed);
  if (!created) return std::unexpected(created.error());
  if (!*created) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("repository object '{}' already exists", name));
  }
  return name;
}

Result<DiskIndex> Repository::GetIndex(std::string_view object_name) const {
  Result<std::optional<std::string>> plain = GetSealed(object_name);
  if (!plain) return std::unexpected(plain.error());
  if (!*plain) {
    return Fail(ErrorCode::kOperationFailed, kErr,
                fmt::format("disk index '{}' is missing from repository '{}'", object_name,
                            store_->Describe()));
  }
  return DiskIndex::Decode(object_name, **plain);
}

Status Repository::Commit(const BackupManifest& manifest) {
  if (Status ok = WriteOpenPacks(); !ok) return ok;
  if (Status ok = store_->Flush(); !ok) return ok;  // every pack and index first
  const std::string name = fmt::format("{}/{}", ManifestPrefix(manifest.domain_uuid),
                                       ObjectNameComponent(manifest.id));
  Result<std::string> sealed = codec_.Seal(name, manifest.Encode());
  if (!sealed) return std::unexpected(sealed.error());
  Result<bool> created = store_->Put(name, *sealed);
  if (!created) return std::unexpected(created.error());
  if (!*created) {
    return Fail(ErrorCode::kOperationInvalid, kErr,
                fmt::format("backup '{}' already exists", manifest.id));
  }
  return store_->Flush();
}

Result<std::optional<std::string>> Repository::GetSealed(std::string_view name) const {
  Result<std::optional<std::string>> sealed = store_->Get(name);
  if (!sealed || !*sealed) return sealed;
  Result<std::string> plain = codec_.Open(name, **sealed);
  if (!plain) return std::unexpected(plain.error());
  return std::optional<std::string>(std::move(*plain));
}

template <typename T>
Result<std::vector<T>> Repository::DecodeFolder(std::string_view folder) const {
  Result<std::vector<std::string>> names = store_->List(folder);
  if (!names) return std::unexpected(names.error());
  std::vector<T> out;
  for (const std::string& name : *names) {
    Result<std::optional<std::string>> plain = GetSealed(name);
    if (!plain) return std::unexpected(plain.error());
    if (!*plain) continue;  // deleted since listed
    Result<T> value = T::Decode(name, **plain);
    if (!value) return std::unexpected(value.error());
    out.push_back(std::move(*value));
  }
  return out;
}

Result<std::vector<BackupManifest>> Repository::ListBackups(
    std::optional<std::string_view> domain) const {
  Result<std::vector<BackupManifest>> out = DecodeFolder<BackupManifest>("manifests");
  if (!out) return out;
  if (domain) {
    std::erase_if(*out, [&](const BackupManifest& m) {
      return m.domain_name != *domain && m.domain_uuid != *domain;
    });
  }
  std::sort(out->begin(), out->end(), [](const BackupManifest& a, const BackupManifest& b) {
    return std::tie(a.started_ms, a.id) < std::tie(b.started_ms, b.id);
  });
  return out;
}

Status Repository::DeleteBackup(const BackupManifest& manifest) {
  const std::string name = fmt::format("{}/{}", ManifestPrefix(manifest.domain_uuid),
                                       ObjectNameComponent(manifest.id));
  if (Status ok = store_->Delete(name); !ok) return ok;
  if (Status ok = store_->Flush(); !ok) return ok;  // gone before its parts go
  for (const DiskRecord& d : manifest.disks) {
    if (Status ok = store_->Delete(d.index); !ok) return ok;
  }
  Result<std::vector<std::string>> records =
      store_->List(VerificationFolder(manifest.id));
  if (!records) return std::unexpected(records.error());
  for (const std::string& r : *records) {
    if (Status ok = store_->Delete(r); !ok) return ok;
  }
  return store_->Flush();
}

std::string Repository::VerificationFolder(std::string_view backup_id) {
  return fmt::format("{}/{}", kVerifications, ObjectNameComponent(backup_id));
}

Status Repository::RecordVerifications(const std::vector<VerificationRecord>& records) {
  for (const VerificationRecord& record : records) {
    // Zero-padded, so names sort by time like the records' times.
    const std::string name =
        fmt::format("{}/{:016}", VerificationFolder(record.backup_id), record.verified_ms);
    Result<std::string> sealed = codec_.Seal(name, record.Encode());
    if (!sealed) return std::unexpected(sealed.error());
    // Not created: a verify in the same millisecond has its record; the first one stays.
    Result<bool> created = store_->Put(name, *sealed);
    if (!created) return std::unexpected(created.error());
  }
  return store_->Flush();  // one flush for the whole verify
}

Result<std::vector<std::string>> Repository::ListVerificationObjects() const {
  return store_->List(kVerifications);
}

Result<std::map<std::string, VerificationRecord>> Repository::LatestVerifications() const {
  Result<std::vector<VerificationRecord>> records = DecodeFolder<VerificationRecord>(kVerifications);
  if (!records) return std::unexpected(records.error());
  std::map<std::string, VerificationRecord> latest;
  for (VerificationRecord& r : *records) {
    VerificationRecord& slot = latest[r.backup_id];
    if (r.verified_ms >= slot.verified_ms) slot = std::move(r);
  }
  return latest;
}

}  // namespace cairn::repo
