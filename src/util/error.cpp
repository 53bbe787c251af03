// Generic texts of libvirt's error codes, as virErrorMsg() words them, so that Cairn's
// messages are byte-identical to libvirt's.
#include "cairn/error.hpp"

#include <string>

namespace cairn {
namespace {

struct CodeText {
  ErrorCode code;
  std::string_view plain;      // the code alone
  std::string_view with_info;  // the code with a detail; "%s" marks where it goes
};

constexpr CodeText kTexts[] = {
    {ErrorCode::kOk, "", "%s"},
    {ErrorCode::kInternalError, "internal error", "internal error: %s"},
    {ErrorCode::kNoMemory, "out of memory", "out of memory: %s"},
    {ErrorCode::kNoSupport, "this function is not supported by the connection driver",
     "this function is not supported by the connection driver: %s"},
    {ErrorCode::kNoConnect, "no connection driver available",
     "no connection driver available for %s"},
    {ErrorCode::kInvalidConn, "invalid connection pointer in",
     "invalid connection pointer in %s"},
    {ErrorCode::kInvalidDomain, "invalid domain pointer in", "invalid domain pointer in %s"},
    {ErrorCode::kInvalidArg, "invalid argument", "invalid argument: %s"},
    {ErrorCode::kOperationFailed, "operation failed", "operation failed: %s"},
    {ErrorCode::kXmlError, "XML description is invalid or not well formed", "XML error: %s"},
    {ErrorCode::kDomExist, "this domain exists already", "domain %s exists already"},
    {ErrorCode::kOperationDenied, "operation forbidden for read only access",
     "operation forbidden: %s"},
    {ErrorCode::kOpenFailed, "failed to open configuration file",
     "failed to open configuration file %s"},
    {ErrorCode::kReadFailed, "failed to read configuration file",
     "failed to read configuration file %s"},
    {ErrorCode::kParseFailed, "failed to parse configuration file",
     "failed to parse configuration file %s"},
    {ErrorCode::kWriteFailed, "failed to write configuration file",
     "failed to write configuration file: %s"},
    {ErrorCode::kXmlDetail, "parser error", "%s"},
    {ErrorCode::kSystemError, "system call error", "%s"},
    {ErrorCode::kRpc, "RPC error", "%s"},
    {ErrorCode::kNoDomain, "Domain not found", "Domain not found: %s"},
    {ErrorCode::kAuthFailed, "authentication failed", "authentication failed: %s"},
    {ErrorCode::kOperationInvalid, "Requested operation is not valid",
     "Requested operation is not valid: %s"},
    {ErrorCode::kConfigUnsupported, "unsupported configuration", "unsupported configuration: %s"},
    {ErrorCode::kOperationTimeout, "Timed out during operation",
     "Timed out during operation: %s"},
    {ErrorCode::kInvalidDomainSnapshot, "Invalid domain snapshot", "Invalid domain snapshot: %s"},
    {ErrorCode::kNoDomainSnapshot, "Domain snapshot not found", "Domain snapshot not found: %s"},
    {ErrorCode::kArgumentUnsupported, "argument unsupported", "argument unsupported: %s"},
    {ErrorCode::kOperationAborted, "operation aborted", "operation aborted: %s"},
    {ErrorCode::kOverflow, "numerical overflow", "numerical overflow: %s"},
    {ErrorCode::kOperationUnsupported, "Operation not supported", "Operation not supported: %s"},
    {ErrorCode::kAgentUnresponsive, "Guest agent is not responding",
     "Guest agent is not responding: %s"},
    {ErrorCode::kResourceBusy, "resource busy", "resource busy: %s"},
    {ErrorCode::kXmlInvalidSchema, "XML document failed to validate against schema",
     "XML document failed to validate against schema: %s"},
    {ErrorCode::kDeviceMissing, "device not found", "device not found: %s"},
    {ErrorCode::kInvalidDomainCheckpoint, "Invalid domain checkpoint",
     "Invalid domain checkpoint: %s"},
    {ErrorCode::kNoDomainCheckpoint, "Domain checkpoint not found",
     "Domain checkpoint not found: %s"},
    {ErrorCode::kNoDomainBackup, "Domain backup job id not found",
     "Domain backup job id not found: %s"},
    {ErrorCode::kCheckpointInconsistent, "checkpoint inconsistent",
     "checkpoint inconsistent: %s"},
};

const CodeText& Lookup(ErrorCode code) {
  for (const CodeText& t : kTexts) {
    if (t.code == code) return t;
  }
  return kTexts[1];  // an unnamed code reads as an internal error, never as nothing
}

}  // namespace

std::string_view GenericText(ErrorCode code) { return Lookup(code).plain; }

std::string Error::Text() const {
  if (form_ == MessageForm::kBare) return detail_;
  const CodeText& t = Lookup(code_);
  if (detail_.empty()) return std::string(t.plain);
  std::string out(t.with_info);
  out.replace(out.find("%s"), 2, detail_);
  return out;
}

}  // namespace cairn
