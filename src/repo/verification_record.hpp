// repo/verification_record.hpp — the outcome of one `verify` of one backup, kept so the
// catalogue can say when each backup was last proven to restore, and whether it did.
// Records are immutable objects like the rest (verifications/<backup>/<verified_ms>): a new
// verify adds one, the latest counts. Encoded as JSON (docs/repository-format.md).
// Thread rule: a value.
#pragma once

#include <cstdint>
#include <string>

#include "cairn/error.hpp"

namespace cairn::repo {

struct VerificationRecord {
  std::string backup_id;
  std::int64_t verified_ms = 0;  // Unix time, milliseconds
  bool ok = false;               // every index and chunk of the backup checked out
  std::uint64_t problems = 0;    // problems found in this backup

  std::string Encode() const;
  // Errors: kOperationFailed naming `name` if `json` is not a verification record.
  static Result<VerificationRecord> Decode(std::string_view name, std::string_view json);
};

}  // namespace cairn::repo
