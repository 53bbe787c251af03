// C API: virDomainBackupBegin/GetXMLDesc, virDomainGetJobStats, virDomainAbortJob, and the
// typed-parameter helpers their callers need.
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "capi/handles.hpp"
#include "capi/last_error.hpp"
#include "capi/typed_params.hpp"

namespace cairn::capi {
namespace {

const char* TypeName(int type) {
  static const char* const kNames[] = {"?",      "int",    "uint",    "llong",
                                       "ullong", "double", "boolean", "string"};
  return type >= 1 && type <= 7 ? kNames[type] : "?";
}

bool NonNull(const void* p, std::string_view arg, std::string_view function) {
  if (p != nullptr) return true;
  SetNullArgument(arg, function, VIR_FROM_DOMAIN);
  return false;
}

// virTypedParamsGet<T>'s shared part: 1 found with the wanted type, 0 absent, -1 otherwise.
int Find(virTypedParameterPtr params, int nparams, const char* name, int type,
         virTypedParameterPtr* out) {
  ResetLastError();
  if (!NonNull(name, "name", "virTypedParamsGet")) return -1;
  virTypedParameterPtr p = virTypedParamsGet(params, nparams, name);
  if (p == nullptr) return 0;
  if (p->type != type) {
    SetLastError(Error(ErrorCode::kInvalidArg, ErrorDomain::kNone,
                       std::string("Invalid type '") + TypeName(type) +
                           "' requested for parameter '" + name + "', actual type is '" +
                           TypeName(p->type) + "'"));
    return -1;
  }
  *out = p;
  return 1;
}

}  // namespace

virTypedParameterPtr NewJobStatsParams(const JobStats& stats, int* count) {
  std::vector<TypedParam> list = JobStatsParams(stats);
  *count = static_cast<int>(list.size());
  if (list.empty()) return nullptr;
  auto* out =
      static_cast<virTypedParameterPtr>(std::calloc(list.size(), sizeof(virTypedParameter)));
  for (std::size_t i = 0; i < list.size(); ++i) {
    virTypedParameter& p = out[i];
    std::strncpy(p.field, list[i].field.c_str(), VIR_TYPED_PARAM_FIELD_LENGTH - 1);
    if (const int* v = std::get_if<int>(&list[i].value)) {
      p.type = VIR_TYPED_PARAM_INT;
      p.value.i = *v;
    } else if (const unsigned long long* v = std::get_if<unsigned long long>(&list[i].value)) {
      p.type = VIR_TYPED_PARAM_ULLONG;
      p.value.ul = *v;
    } else if (const bool* v = std::get_if<bool>(&list[i].value)) {
      p.type = VIR_TYPED_PARAM_BOOLEAN;
      p.value.b = *v ? 1 : 0;
    } else {
      p.type = VIR_TYPED_PARAM_STRING;
      p.value.s = CopyString(std::get<std::string>(list[i].value));
    }
  }
  return out;
}

}  // namespace cairn::capi

using namespace cairn::capi;  // NOLINT: the C shim is a flat list of entry points

extern "C" {

void virTypedParamsFree(virTypedParameterPtr params, int nparams) {
  if (params == nullptr) return;
  for (int i = 0; i < nparams; ++i) {
    if (params[i].type == VIR_TYPED_PARAM_STRING) std::free(params[i].value.s);
  }
  std::free(params);
}

virTypedParameterPtr virTypedParamsGet(virTypedParameterPtr params, int nparams, const char* name) {
  if (params == nullptr || name == nullptr) return nullptr;
  for (int i = 0; i < nparams; ++i) {
    if (std::strcmp(params[i].field, name) == 0) return &params[i];
  }
  return nullptr;
}

int virTypedParamsGetInt(virTypedParameterPtr params, int nparams, const char* name, int* value) {
  virTypedParameterPtr p = nullptr;
  int found = Find(params, nparams, name, VIR_TYPED_PARAM_INT, &p);
  if (found == 1 && value != nullptr) *value = p->value.i;
  return found;
}

int virTypedParamsGetULLong(virTypedParameterPtr params, int nparams, const char* name,
                            unsigned long long* value) {
  virTypedParameterPtr p = nullptr;
  int found = Find(params, nparams, name, VIR_TYPED_PARAM_ULLONG, &p);
  if (found == 1 && value != nullptr) *value = p->value.ul;
  return found;
}

int virTypedParamsGetBoolean(virTypedParameterPtr params, int nparams, const char* name,
                             int* value) {
  virTypedParameterPtr p = nullptr;
  int found = Find(params, nparams, name, VIR_TYPED_PARAM_BOOLEAN, &p);
  if (found == 1 && value != nullptr) *value = p->value.b ? 1 : 0;
  return found;
}

int virTypedParamsGetString(virTypedParameterPtr params, int nparams, const char* name,
                            const char** value) {
  virTypedParameterPtr p = nullptr;
  int found = Find(params, nparams, name, VIR_TYPED_PARAM_STRING, &p);
  if (found == 1 && value != nullptr) *value = p->value.s;
  return found;
}

int virDomainBackupBegin(virDomainPtr domain, const char* backupXML, const char* checkpointXML,
                         unsigned int flags) {
  if (!CheckDomain(domain, "virDomainBackupBegin")) return -1;
  auto ok = domain->dom.BackupBegin(Arg(backupXML), Arg(checkpointXML),
                                    static_cast<cairn::BackupBeginFlags>(flags));
  if (!ok) {
    SetLastError(ok.error());
    return -1;
  }
  return 0;
}

char* virDomainBackupGetXMLDesc(virDomainPtr domain, unsigned int flags) {
  if (!CheckDomain(domain, "virDomainBackupGetXMLDesc")) return nullptr;
  auto xml = domain->dom.BackupGetXmlDesc(flags);
  if (!xml) {
    SetLastError(xml.error());
    return nullptr;
  }
  return CopyString(*xml);
}

int virDomainGetJobStats(virDomainPtr domain, int* type, virTypedParameterPtr* params, int* nparams,
                         unsigned int flags) {
  constexpr const char* kFn = "virDomainGetJobStats";
  if (!CheckDomain(domain, kFn)) return -1;
  if (!NonNull(type, "type", kFn) || !NonNull(params, "params", kFn) ||
      !NonNull(nparams, "nparams", kFn)) {
    return -1;
  }
  auto stats = domain->dom.GetJobStats(static_cast<cairn::JobStatsFlags>(flags));
  if (!stats) {
    SetLastError(stats.error());
    return -1;
  }
  *type = static_cast<int>(stats->type);
  *params = NewJobStatsParams(*stats, nparams);
  return 0;
}

int virDomainAbortJob(virDomainPtr domain) {
  if (!CheckDomain(domain, "virDomainAbortJob")) return -1;
  auto ok = domain->dom.AbortJob();
  if (!ok) {
    SetLastError(ok.error());
    return -1;
  }
  return 0;
}

}  // extern "C"
