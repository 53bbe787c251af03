#include "repo/verification_record.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace cairn::repo {

std::string VerificationRecord::Encode() const {
  return nlohmann::json({{"backup", backup_id},
                         {"verified_ms", verified_ms},
                         {"ok", ok},
                         {"problems", problems}})
      .dump();
}

Result<VerificationRecord> VerificationRecord::Decode(std::string_view name,
                                                      std::string_view json) {
  try {
    nlohmann::json j = nlohmann::json::parse(json);
    VerificationRecord r;
    r.backup_id = j.at("backup").get<std::string>();
    r.verified_ms = j.at("verified_ms").get<std::int64_t>();
    r.ok = j.at("ok").get<bool>();
    r.problems = j.at("problems").get<std::uint64_t>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kOperationFailed, ErrorDomain::kNone,
                fmt::format("verification record '{}' is damaged: {}", name, e.what()));
  }
}

}  // namespace cairn::repo
