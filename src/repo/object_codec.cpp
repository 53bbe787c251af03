#include "repo/object_codec.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace cairn::repo {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;
constexpr std::string_view kMagic = "CRN1";
constexpr unsigned char kCompressed = 1;
constexpr unsigned char kEncrypted = 2;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

std::unexpected<Error> Damaged(std::string_view name, std::string_view why) {
  return Fail(ErrorCode::kOperationFailed, kErr,
              fmt::format("repository object '{}' is damaged: {}", name, why));
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s, std::size_t at) {
  return reinterpret_cast<unsigned char*>(s.data()) + at;
}

Result<std::string> Compress(std::string_view plain, int level) {
  static thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> ctx(ZSTD_createCCtx(),
                                                                                 ZSTD_freeCCtx);
  std::string out;
  std::size_t n = 0;
  // Not zero-filled first: zstd writes what it returns (a chunk's memset cost 1-2% of a full).
  out.resize_and_overwrite(ZSTD_compressBound(plain.size()), [&](char* buf, std::size_t size) {
    n = ZSTD_compressCCtx(ctx.get(), buf, size, plain.data(), plain.size(), level);
    return ZSTD_isError(n) ? 0 : n;
  });
  if (ZSTD_isError(n)) {
    return Fail(ErrorCode::kInternalError, kErr,
                fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n)));
  }
  return out;
}

Result<std::string> Decompress(std::string_view name, std::string_view body) {
  unsigned long long size = ZSTD_getFrameContentSize(body.data(), body.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
      size > kMaxObjectBytes) {
    return Damaged(name, "its compressed frame has no valid size");
  }
  std::string out(static_cast<std::size_t>(size), '\0');
  std::size_t n = ZSTD_decompress(out.data(), out.size(), body.data(), body.size());
  if (ZSTD_isError(n) || n != size) return Damaged(name, "it does not decompress");
  return out;
}

}  // namespace

ObjectCodec::ObjectCodec(std::optional<RepositoryKey> key, int zstd_level)
    : key_(std::move(key)), zstd_level_(zstd_level) {}

Key256 ObjectCodec::ChunkId(std::string_view plain) const {
  return key_ ? HmacSha256(key_->id_key(), plain) : Sha256(plain);
}

Result<std::string> ObjectCodec::Seal(std::string_view name, std::string_view plain) const {
  Result<std::string> packed = Compress(plain, zstd_level_);
  if (!packed) return packed;
  unsigned char flags = 0;
  std::string_view body = plain;
  if (packed->size() < plain.size()) {
    flags |= kCompressed;
    body = *packed;
  }
  std::string out(kMagic);
  if (!key_) {
    out.push_back(static_cast<char>(flags));
    out.append(body);
    return out;
  }
  flags |= kEncrypted;
  out.push_back(static_cast<char>(flags));
  const std::size_t nonce_at = out.size();
  out.resize(nonce_at + kNonceBytes + body.size() + kTagBytes);
  if (RAND_bytes(Bytes(out, nonce_at), kNonceBytes) != 1) {
    return Fail(ErrorCode::kInternalError, kErr, "cannot draw a random nonce");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const std::size_t body_at = nonce_at + kNonceBytes;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_->data_key().data(),
                                Bytes(out, nonce_at)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(name),
                        static_cast<int>(name.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), Bytes(out, body_at), &len, Bytes(body),
                        static_cast<int>(body.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), Bytes(out, body_at + body.size()), &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          Bytes(out, body_at + body.size())) == 1;
  if (!ok) return Fail(ErrorCode::kInternalError, kErr, "AES-256-GCM encryption failed");
  return out;
}

Result<std::string> ObjectCodec::Open(std::string_view name, std::string_view sealed) const {
  if (sealed.size() < kMagic.size() + 1 || sealed.substr(0, kMagic.size()) != kMagic) {
    return Damaged(name, "it does not start with the repository's frame");
  }
  const auto flags = static_cast<unsigned char>(sealed[kMagic.size()]);
  if ((flags & ~(kCompressed | kEncrypted)) != 0) return Damaged(name, "unknown frame flags");
  std::string_view body = sealed.substr(kMagic.size() + 1);
  std::string plain_body;
  if ((flags & kEncrypted) != 0) {
    if (!key_) {
      return Fail(ErrorCode::kOperationInvalid, kErr,
                  fmt::format("repository object '{}' is encrypted: give the key file", name));
    }
    if (body.size() < kNonceBytes + kTagBytes) return Damaged(name, "it is truncated");
    std::string_view nonce = body.substr(0, kNonceBytes);
    std::string_view cipher = body.substr(kNonceBytes, body.size() - kNonceBytes - kTagBytes);
    std::string tag(body.substr(body.size() - kTagBytes));
    plain_body.resize(cipher.size());
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    const bool ok =
        ctx &&
        EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_->data_key().data(),
                           Bytes(nonce)) == 1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(name),
                          static_cast<int>(name.size())) == 1 &&
        EVP_DecryptUpdate(ctx.get(), Bytes(plain_body, 0), &len, Bytes(cipher),
                          static_cast<int>(cipher.size())) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), Bytes(plain_body, cipher.size()), &len) == 1;
    if (!ok) return Damaged(name, "it does not authenticate under this repository's key");
    body = plain_body;
  } else if (key_) {
    return Damaged(name, "it is not encrypted in an encrypted repository");
  }
  if ((flags & kCompressed) != 0) return Decompress(name, body);
  return std::string(body);
}

}  // namespace cairn::repo
