// repo/object_store.hpp — the storage a repository lives in: immutable named objects.
//
// A repository never rewrites an object: it puts new ones and deletes old ones. That is all
// it asks of its storage, so a local directory (DirectoryStore) is the first implementation
// and an object store (S3, RADOS) can follow without touching the repository code.
// Names are relative '/'-separated paths of [a-z0-9._-] components ("chunks/ab/ab12...").
// Thread rule: every method may be called from any thread at the same time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/error.hpp"

namespace cairn::repo {

// Who may work on the repository at the same time: backups and prunes share it; gc, which
// deletes chunks no committed backup names yet, must be alone.
enum class LockMode { kShared, kExclusive };

// A held lock on a store; released when destroyed (or when its process dies).
class StoreLock {
 public:
  virtual ~StoreLock() = default;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Creates object `name` holding `data`, unless it already exists: then the existing object
  // is left as it is (objects are immutable; callers name content by its digest or by a
  // fresh unique name). The new object is complete or absent, never torn, but durable only
  // after the next Flush().
  // Returns: true if this call created the object, false if it existed.
  // Errors: kSystemError naming the object and the reason; kInvalidArg for a bad name.
  virtual Result<bool> Put(std::string_view name, std::string_view data) = 0;

  // Makes every object put so far, and every deletion, durable.
  // Errors: kSystemError naming what could not be synced.
  virtual Status Flush() = 0;

  // The whole content of object `name`, or nullopt if there is no such object.
  // Errors: kSystemError naming the object and the reason; kInvalidArg for a bad name.
  virtual Result<std::optional<std::string>> Get(std::string_view name) const = 0;

  // Up to `length` bytes of object `name` from byte `offset` (fewer at its end), or nullopt
  // if there is no such object: a chunk is read out of its pack without reading the pack.
  // Errors: kSystemError naming the object and the reason; kInvalidArg for a bad name.
  virtual Result<std::optional<std::string>> GetRange(std::string_view name,
                                                      std::uint64_t offset,
                                                      std::size_t length) const = 0;

  // The size in bytes of object `name`, or nullopt if there is no such object.
  // Errors: kSystemError; kInvalidArg for a bad name.
  virtual Result<std::optional<std::uint64_t>> Size(std::string_view name) const = 0;

  // Whether object `name` exists. Errors: kSystemError.
  virtual Result<bool> Exists(std::string_view name) const = 0;

  // The names of the objects whose name starts with `prefix` + "/" (all objects under that
  // folder, at any depth), sorted. A missing folder lists nothing.
  // Errors: kSystemError.
  virtual Result<std::vector<std::string>> List(std::string_view prefix) const = 0;

  // Deletes object `name`; durable after the next Flush(). Deleting a missing object fails.
  // Errors: kSystemError naming the object.
  virtual Status Delete(std::string_view name) = 0;

  // Takes the store's lock in `mode`. With `wait`, blocks until it is free; without, fails
  // with kResourceBusy while another holder's mode conflicts.
  // Errors: kSystemError; kResourceBusy (no wait).
  virtual Result<std::unique_ptr<StoreLock>> Lock(LockMode mode, bool wait) = 0;

  // A human-readable place for messages ("/srv/backups").
  virtual std::string Describe() const = 0;
};

// True for a name Put/Get accept: non-empty components of [a-z0-9._-], none starting with
// '.' (the store's own temp files), no leading, trailing or doubled '/'.
bool IsValidObjectName(std::string_view name);

// `bytes` random bytes as lowercase hex: a fresh name component (a repository's or backup's
// id, a pack, a pack index) that no other writer picks. Any thread.
std::string RandomHex(int bytes);

}  // namespace cairn::repo
