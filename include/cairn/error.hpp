// cairn/error.hpp — the one error type of Cairn, and Result<T>.
//
// Every fallible function in Cairn returns Result<T>: a value or an Error. An Error carries
// libvirt's virErrorNumber (ErrorCode) and virErrorDomain (ErrorDomain) values unchanged, so
// the C shim passes them through and the CLI prints exactly what virsh prints:
// "error: <Error::Text()>", where Text() is libvirt's generic text for the code followed by
// the detail message ("operation failed: domain moment c1 already exists").
// Errors are plain values: copyable, no exceptions cross a function returning Result.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace cairn {

// libvirt's virErrorNumber values (virterror.h). Only the codes Cairn raises or passes
// through are named; the numeric values are part of the contract and never change.
enum class ErrorCode : int {
  kOk = 0,
  kInternalError = 1,           // VIR_ERR_INTERNAL_ERROR
  kNoMemory = 2,                // VIR_ERR_NO_MEMORY
  kNoSupport = 3,               // VIR_ERR_NO_SUPPORT
  kNoConnect = 5,               // VIR_ERR_NO_CONNECT
  kInvalidConn = 6,             // VIR_ERR_INVALID_CONN
  kInvalidDomain = 7,           // VIR_ERR_INVALID_DOMAIN
  kInvalidArg = 8,              // VIR_ERR_INVALID_ARG
  kOperationFailed = 9,         // VIR_ERR_OPERATION_FAILED
  kXmlError = 27,               // VIR_ERR_XML_ERROR
  kDomExist = 28,               // VIR_ERR_DOM_EXIST
  kOperationDenied = 29,        // VIR_ERR_OPERATION_DENIED
  kOpenFailed = 30,             // VIR_ERR_OPEN_FAILED
  kReadFailed = 31,             // VIR_ERR_READ_FAILED
  kParseFailed = 32,            // VIR_ERR_PARSE_FAILED
  kWriteFailed = 34,            // VIR_ERR_WRITE_FAILED
  kXmlDetail = 35,              // VIR_ERR_XML_DETAIL
  kSystemError = 38,            // VIR_ERR_SYSTEM_ERROR
  kRpc = 39,                    // VIR_ERR_RPC
  kNoDomain = 42,               // VIR_ERR_NO_DOMAIN
  kAuthFailed = 45,             // VIR_ERR_AUTH_FAILED
  kOperationInvalid = 55,       // VIR_ERR_OPERATION_INVALID
  kConfigUnsupported = 67,      // VIR_ERR_CONFIG_UNSUPPORTED
  kOperationTimeout = 68,       // VIR_ERR_OPERATION_TIMEOUT
  kInvalidDomainSnapshot = 71,  // VIR_ERR_INVALID_DOMAIN_SNAPSHOT
  kNoDomainSnapshot = 72,       // VIR_ERR_NO_DOMAIN_SNAPSHOT
  kArgumentUnsupported = 74,    // VIR_ERR_ARGUMENT_UNSUPPORTED
  kOperationAborted = 78,       // VIR_ERR_OPERATION_ABORTED
  kOverflow = 82,               // VIR_ERR_OVERFLOW
  kOperationUnsupported = 84,   // VIR_ERR_OPERATION_UNSUPPORTED
  kAgentUnresponsive = 86,      // VIR_ERR_AGENT_UNRESPONSIVE
  kResourceBusy = 87,           // VIR_ERR_RESOURCE_BUSY
  kXmlInvalidSchema = 92,       // VIR_ERR_XML_INVALID_SCHEMA
  kDeviceMissing = 99,          // VIR_ERR_DEVICE_MISSING
  kInvalidDomainCheckpoint = 102,  // VIR_ERR_INVALID_DOMAIN_CHECKPOINT
  kNoDomainCheckpoint = 103,       // VIR_ERR_NO_DOMAIN_CHECKPOINT
  kNoDomainBackup = 104,           // VIR_ERR_NO_DOMAIN_BACKUP
  kCheckpointInconsistent = 109,   // VIR_ERR_CHECKPOINT_INCONSISTENT
};

// libvirt's virErrorDomain values: which part of the library raised the error.
enum class ErrorDomain : int {
  kNone = 0,               // VIR_FROM_NONE
  kXml = 5,                // VIR_FROM_XML
  kDom = 6,                // VIR_FROM_DOM (a NULL or invalid domain handle)
  kRpc = 7,                // VIR_FROM_RPC
  kConf = 9,               // VIR_FROM_CONF
  kQemu = 10,              // VIR_FROM_QEMU
  kTest = 12,              // VIR_FROM_TEST
  kRemote = 13,            // VIR_FROM_REMOTE
  kStorage = 18,           // VIR_FROM_STORAGE
  kDomain = 20,            // VIR_FROM_DOMAIN
  kSecurity = 24,          // VIR_FROM_SECURITY
  kUri = 45,               // VIR_FROM_URI
  kDomainCheckpoint = 69,  // VIR_FROM_DOMAIN_CHECKPOINT
};

// How the message is made from the detail. Most of libvirt's errors go through
// virReportError, which prefixes the code's generic text ("operation failed: ..."); the
// argument checks (virReportInvalidArg, virCheckFlags, VIR_EXCLUSIVE_FLAGS_RET,
// VIR_REQUIRE_FLAG_RET) raise the bare text, so their message is the detail alone.
enum class MessageForm { kWithCodeText, kBare };

// An error as libvirt reports it. `detail` is the specific message ("no disk named 'vdz'");
// Text() prefixes it with the code's generic text the way virErrorMsg() does, unless the
// form is kBare. The message is not shortened: libvirt 9.0 does not bound it either (a
// 1 MiB name comes back whole); a terminal printer bounds and escapes what it shows.
class Error {
 public:
  Error(ErrorCode code, ErrorDomain domain, std::string detail,
        MessageForm form = MessageForm::kWithCodeText)
      : code_(code), domain_(domain), form_(form), detail_(std::move(detail)) {}

  ErrorCode code() const { return code_; }
  ErrorDomain domain() const { return domain_; }
  const std::string& detail() const { return detail_; }
  MessageForm form() const { return form_; }

  // The full message, as virsh prints it after "error: ".
  std::string Text() const;

 private:
  ErrorCode code_;
  ErrorDomain domain_;
  MessageForm form_;
  std::string detail_;
};

// libvirt's generic text for a code without detail ("Domain checkpoint not found").
std::string_view GenericText(ErrorCode code);

// Builds the error value to return from a function returning Result<T>.
inline std::unexpected<Error> Fail(ErrorCode code, ErrorDomain domain, std::string detail) {
  return std::unexpected<Error>(Error(code, domain, std::move(detail)));
}

// The same, for a message libvirt raises without the code's generic text (MessageForm).
inline std::unexpected<Error> FailBare(ErrorCode code, ErrorDomain domain, std::string message) {
  return std::unexpected<Error>(Error(code, domain, std::move(message), MessageForm::kBare));
}

template <typename T>
using Result = std::expected<T, Error>;

// For functions that return nothing on success.
using Status = std::expected<void, Error>;

}  // namespace cairn
