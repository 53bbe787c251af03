// repo/directory_store.hpp — an ObjectStore in a local directory: one file per object.
//
// Object "a/b/c" is the file DIR/a/b/c, created whole or not at all: its data is written to
// an unnamed file (O_TMPFILE, or a hidden ".tmp-" file where the filesystem lacks it) and
// then linked under its name, which fails rather than replaces if the name exists. Files are
// 0600 and folders 0700: a repository holds guest data. Flush() is one syncfs() of the
// directory's filesystem, so a backup pays for durability once, not once per chunk.
// An object of 1 MiB or more whose bytes start page aligned (a pack) is written with
// O_DIRECT: the kernel's copy into the page cache cost a quarter of a full backup's CPU, and
// the disk then writes while the backup computes instead of all at the Flush().
// A ranged read keeps its object's descriptor open (the last kRangedFilesKept objects), so
// that chunks read in pack order are one file read in order, which the kernel reads ahead;
// a new descriptor per chunk made cold reads a third slower. Delete() drops the object's,
// and a kept file that another process removed is opened anew.
// Thread rule: any method from any thread at the same time (the kept descriptors are under
// a mutex).
#pragma once

#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "repo/object_store.hpp"
#include "util/unique_fd.hpp"

namespace cairn::repo {

class DirectoryStore final : public ObjectStore {
 public:
  // Opens the store rooted at `root`, which must be an existing directory.
  // Errors: kSystemError naming `root`.
  static Result<std::unique_ptr<DirectoryStore>> Open(const std::filesystem::path& root);

  Result<bool> Put(std::string_view name, std::string_view data) override;
  Status Flush() override;
  Result<std::optional<std::string>> Get(std::string_view name) const override;
  // pread() of the range: a chunk costs one read, not its pack's.
  Result<std::optional<std::string>> GetRange(std::string_view name, std::uint64_t offset,
                                              std::size_t length) const override;
  Result<std::optional<std::uint64_t>> Size(std::string_view name) const override;
  Result<bool> Exists(std::string_view name) const override;
  Result<std::vector<std::string>> List(std::string_view prefix) const override;
  Status Delete(std::string_view name) override;
  // flock() on DIR/.lock (hidden: never an object).
  Result<std::unique_ptr<StoreLock>> Lock(LockMode mode, bool wait) override;
  std::string Describe() const override { return root_.string(); }

 private:
  DirectoryStore(std::filesystem::path root, util::UniqueFd root_fd)
      : root_(std::move(root)), root_fd_(std::move(root_fd)) {}
  // `length` bytes of object `name` from `offset` (nullopt: to its end), fewer at its end;
  // nullopt if there is no such object.
  Result<std::optional<std::string>> Read(std::string_view name, std::uint64_t offset,
                                          std::optional<std::size_t> length) const;
  // The kept descriptor of `name`, opened if need be; null if there is no such object.
  Result<std::shared_ptr<const util::UniqueFd>> OpenForRange(const std::string& name) const;

  static constexpr std::size_t kRangedFilesKept = 16;
  std::filesystem::path root_;
  util::UniqueFd root_fd_;
  mutable std::mutex ranged_mutex_;
  mutable std::list<std::pair<std::string, std::shared_ptr<const util::UniqueFd>>> ranged_;
};

}  // namespace cairn::repo
