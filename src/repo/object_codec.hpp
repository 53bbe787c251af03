// repo/object_codec.hpp — how a repository's bytes become objects and back.
//
// Every object is framed: "CRN1", a flags byte, then the body. The body is zstd-compressed
// when that saves space, and with a repository key it is sealed with AES-256-GCM under a
// fresh random nonce, the object's name as associated data: a file copied over another name
// fails to open rather than restore the wrong data. Chunk ids are the SHA-256 of the data,
// or, with a key, its HMAC-SHA256 under the id key (an id then reveals nothing).
// Thread rule: const methods from any thread at the same time.
//
//   frame = "CRN1" flags:u8 [nonce:12] body [tag:16]    flags: 1 = zstd, 2 = AES-256-GCM
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cairn/error.hpp"
#include "repo/repository_key.hpp"

namespace cairn::repo {

class ObjectCodec {
 public:
  // `key`: nullopt for an unencrypted repository. `zstd_level`: zstd's level (1 is fastest).
  ObjectCodec(std::optional<RepositoryKey> key, int zstd_level);

  bool encrypted() const { return key_.has_value(); }

  // The id of a chunk holding `plain` (Hex() of it names the chunk's object).
  Key256 ChunkId(std::string_view plain) const;

  // The stored form of object `name` holding `plain`.
  // Errors: kInternalError if compression or encryption fails (out of memory).
  Result<std::string> Seal(std::string_view name, std::string_view plain) const;

  // The data sealed as object `name`.
  // Errors: kOperationFailed naming the object if the frame is damaged, the data does not
  // authenticate (another key, another name, altered bytes) or does not decompress.
  Result<std::string> Open(std::string_view name, std::string_view sealed) const;

 private:
  std::optional<RepositoryKey> key_;
  int zstd_level_;
};

// The largest object body the codec will decompress (a guard against a corrupt size field).
inline constexpr std::size_t kMaxObjectBytes = 256u << 20;

}  // namespace cairn::repo
