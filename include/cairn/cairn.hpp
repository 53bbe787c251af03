// cairn/cairn.hpp — the whole public C++ API of Cairn: connections, domains, checkpoints,
// backups.
// Every fallible call returns cairn::Result<T> (a value or a cairn::Error with libvirt's
// error code); nothing throws.
#pragma once

#include "cairn/backup.hpp"
#include "cairn/backup_job_info.hpp"
#include "cairn/backup_spec.hpp"
#include "cairn/checkpoint.hpp"
#include "cairn/checkpoint_spec.hpp"
#include "cairn/connection.hpp"
#include "cairn/daemon_peer.hpp"
#include "cairn/domain.hpp"
#include "cairn/error.hpp"
#include "cairn/flags.hpp"
#include "cairn/security.hpp"
#include "cairn/version.hpp"
#include "cairn/xml_text.hpp"
