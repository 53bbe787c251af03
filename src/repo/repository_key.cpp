#include "repo/repository_key.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/atomic_file.hpp"
#include "util/unique_fd.hpp"

namespace cairn::repo {
namespace {

constexpr ErrorDomain kErr = ErrorDomain::kNone;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Key256> ParseSecret(std::string text, const std::filesystem::path& path) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  Key256 secret{};
  if (text.size() != 2 * secret.size()) {
    return Fail(ErrorCode::kInvalidArg, kErr,
                fmt::format("key file '{}' must hold 64 hex digits", path.string()));
  }
  for (std::size_t i = 0; i < secret.size(); ++i) {
    int hi = HexDigit(text[2 * i]), lo = HexDigit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      return Fail(ErrorCode::kInvalidArg, kErr,
                  fmt::format("key file '{}' must hold 64 hex digits", path.string()));
    }
    secret[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return secret;
}

Status WriteNewKey(const std::filesystem::path& path) {
  Key256 secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    return Fail(ErrorCode::kInternalError, kErr, "cannot draw random bytes for a key");
  }
  util::UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) {
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot create key file '{}': {}", path.string(),
                            std::strerror(errno)));
  }
  const std::string text = Hex(secret) + "\n";
  if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      fsync(fd.get()) != 0) {
    return Fail(ErrorCode::kSystemError, kErr,
                fmt::format("cannot write key file '{}': {}", path.string(),
                            std::strerror(errno)));
  }
  return {};
}

}  // namespace

Key256 HmacSha256(const Key256& key, std::string_view data) {
  Key256 out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

Key256 Sha256(std::string_view data) {
  Key256 out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string Hex(const Key256& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * bytes.size(), '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
  return out;
}

RepositoryKey::RepositoryKey(const Key256& secret)
    : secret_(secret),
      id_key_(HmacSha256(secret, "cairn-backup chunk id")),
      data_key_(HmacSha256(secret, "cairn-backup object encryption")) {}

RepositoryKey RepositoryKey::FromSecret(const Key256& secret) { return RepositoryKey(secret); }

Result<RepositoryKey> RepositoryKey::Load(const std::filesystem::path& path, bool create) {
  if (create && !std::filesystem::exists(path)) {
    if (Status ok = WriteNewKey(path); !ok) return std::unexpected(ok.error());
  }
  Result<std::string> text = util::ReadFile(path);
  if (!text) return std::unexpected(text.error());
  Result<Key256> secret = ParseSecret(std::move(*text), path);
  if (!secret) return std::unexpected(secret.error());
  return RepositoryKey(*secret);
}

std::string RepositoryKey::CheckValue() const {
  return Hex(HmacSha256(secret_, "cairn-backup key check"));
}

}  // namespace cairn::repo
