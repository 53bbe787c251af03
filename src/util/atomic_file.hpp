// util/atomic_file.hpp — whole-file reads and crash-safe whole-file replacement.
//
// WriteFileAtomically() guarantees that a reader of the target, even after a crash or power
// loss at any instant, sees either the complete old content or the complete new content,
// never a mix or a truncation. The price is a temp file, two fsyncs and a rename per write.
// A crash can leave a stray temp file ".<name>.tmp-XXXXXX" beside the target; it is hidden
// (dot-prefixed), never read as the target, and safe to delete. Writers of the same target
// must be serialised by the caller (e.g. with a FileLock): the last rename wins.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "cairn/error.hpp"

namespace cairn::util {

// The steps of an atomic write, in order. A failure before kRenamed leaves the old content;
// from kRenamed on, the new content is in place (and, after kDirSynced, durable).
//
//   open temp (O_EXCL) -> kTempCreated -> write all -> kWritten -> fsync -> kSynced
//     -> rename over target -> kRenamed -> fsync directory -> kDirSynced -> done
//   any failure before kRenamed: unlink temp, return the error (target untouched)
//   failure at or after kRenamed: return the error (target already has new content)
enum class AtomicWriteStep { kTempCreated, kWritten, kSynced, kRenamed, kDirSynced };

// Test seam: called after each step; an error makes the write fail at that point exactly as
// a real failure of the step would.
using FaultHook = std::function<Status(AtomicWriteStep)>;

struct AtomicWriteOptions {
  // Default: none.
  FaultHook fault_hook{};
  // Test seam: when the hook fails, stop dead without any cleanup, as a crash (SIGKILL,
  // power loss) at that point would. Default: false.
  bool crash_on_fault = false;
  // Sync the directory after the rename, making the new content durable before returning.
  // false: the content is atomic (never torn: the data is synced before the rename) but only
  // durable once the caller syncs the directory (SyncDirectory) — for a caller that writes
  // several files of one directory and makes them durable together. Default: true.
  bool sync_directory = true;
  // false: nothing is synced (sync_directory is ignored): the content is atomic against a
  // crash of the process, not of the machine. For run-time state that describes processes a
  // power loss ends too, where a lost write costs nothing worse. Default: true.
  bool sync = true;
  // The new file's mode, less the umask. 0600 for files holding definitions, which may
  // carry secrets (the qemu driver's state root). Default: 0644.
  mode_t mode = 0644;
};

// Replaces the content of `path` (creating it, options.mode less the umask) with `content`.
// The directory of `path` must exist. Returns the hook's error if it injected one, else
// kSystemError naming the failing path and the system's reason ("cannot rename '/x/.a.tmp-
// Q2x9aZ' to '/x/a': No space left on device"). On failure no temp file remains.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content,
                           const AtomicWriteOptions& options = {});

// Removes `path` and syncs its directory, so the removal survives a crash. Fails with
// kSystemError naming the path, including when it does not exist.
Status RemoveFileDurably(const std::filesystem::path& path);

// Removes `path`; durable once its directory is synced. Errors as RemoveFileDurably.
Status RemoveFile(const std::filesystem::path& path);

// fsync()s directory `dir`: every rename, creation and removal in it so far survives a
// crash. Fails with kSystemError naming the directory.
Status SyncDirectory(const std::filesystem::path& dir);

// The whole content of `path` (a regular file: as long as it was when opened). Fails with
// kSystemError naming the path and the reason
// ("cannot read '/x/a': No such file or directory").
Result<std::string> ReadFile(const std::filesystem::path& path);

// Creates `path` and any missing parents with `mode` (less the umask), like mkdir -p; each
// directory created is made durable by syncing its parent. Succeeds if `path` is already a
// directory. Fails with kSystemError naming the first path that could not be created.
Status EnsureDirectory(const std::filesystem::path& path, mode_t mode = 0755);

// Removes the temp files WriteFileAtomically() leaves in `dir` when its process is killed
// mid-write (".NAME.tmp-XXXXXX"). Returns how many were removed; a missing `dir` is none.
// REQUIRES: the caller holds the lock every writer of `dir` holds, so no live write's temp
// file is taken. Fails with kSystemError naming a file that cannot be removed.
Result<std::size_t> RemoveAbandonedTempFiles(const std::filesystem::path& dir);

}  // namespace cairn::util
