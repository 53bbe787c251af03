// Typed parameters as the C API hands them out: a calloc'd array of virTypedParameter with
// strdup'd strings, freed by virTypedParamsFree (libvirt's ownership rules).
#pragma once

#include "cairn/backup.hpp"
#include "cairn/virt.h"

namespace cairn::capi {

// libvirt's typed parameters for `stats` (JobStatsParams); *count set, NULL when empty.
virTypedParameterPtr NewJobStatsParams(const JobStats& stats, int* count);

}  // namespace cairn::capi
