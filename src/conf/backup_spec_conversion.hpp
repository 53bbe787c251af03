// The public BackupSpec (cairn/backup_spec.hpp) to and from the parser's BackupDef, so that
// the spec's XML is written and read by the one <domainbackup> formatter and parser, and a
// driver describes its running job (cairn/backup_job_info.hpp) from its record. Runtime
// fields (disk state, index, private data) and store children are not carried over.
#pragma once

#include "cairn/backup_job_info.hpp"
#include "cairn/backup_spec.hpp"
#include "conf/backup_def.hpp"

namespace cairn::conf {

BackupSpec ToBackupSpec(const BackupDef& def);
BackupDef ToBackupDef(const BackupSpec& spec);

}  // namespace cairn::conf
