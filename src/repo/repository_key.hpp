// repo/repository_key.hpp — the secret of an encrypted repository and the keys made from it.
//
// A key file holds 32 random bytes as 64 hex digits. Two keys are derived from it, each as
// HMAC-SHA256(secret, label): one keys the chunk ids (so an id says nothing about the data
// to someone without the key) and one encrypts objects (AES-256-GCM). A third HMAC, stored
// in the repository's config, tells a wrong key file from a corrupt object.
// Thread rule: immutable after construction; share freely.
#pragma once

#include <array>
#include <filesystem>
#include <string>

#include "cairn/error.hpp"

namespace cairn::repo {

using Key256 = std::array<unsigned char, 32>;

class RepositoryKey {
 public:
  // Reads `path`, or when it does not exist and `create` is set, writes a new random key
  // there first (mode 0600, never over an existing file).
  // Errors: kSystemError naming the file; kInvalidArg if it does not hold 64 hex digits.
  static Result<RepositoryKey> Load(const std::filesystem::path& path, bool create);

  // For tests: a key from its 32 bytes.
  static RepositoryKey FromSecret(const Key256& secret);

  const Key256& id_key() const { return id_key_; }
  const Key256& data_key() const { return data_key_; }
  // Hex of HMAC-SHA256(secret, "cairn-backup key check"): stored in the config at init.
  std::string CheckValue() const;

 private:
  explicit RepositoryKey(const Key256& secret);

  Key256 secret_{};
  Key256 id_key_{};
  Key256 data_key_{};
};

// HMAC-SHA256 of `data` under `key`.
Key256 HmacSha256(const Key256& key, std::string_view data);
// SHA-256 of `data`.
Key256 Sha256(std::string_view data);
// Lower-case hex of `bytes`.
std::string Hex(const Key256& bytes);

}  // namespace cairn::repo
