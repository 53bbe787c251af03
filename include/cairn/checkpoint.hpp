// cairn/checkpoint.hpp — a handle on one checkpoint of a domain.
//
// A checkpoint is a point in time after which the hypervisor records which blocks of each
// disk changed; it holds no data and makes the next incremental backup cheap. The handle
// carries only its domain and its name and keeps both alive; every call looks the
// checkpoint up again, so a handle on a deleted checkpoint fails with
// VIR_ERR_NO_DOMAIN_CHECKPOINT. There is no "current" checkpoint and no revert, by design.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cairn/checkpoint_bitmaps.hpp"
#include "cairn/domain.hpp"
#include "cairn/error.hpp"
#include "cairn/flags.hpp"

namespace cairn {

class Checkpoint {
 public:
  const std::string& name() const { return name_; }
  const Domain& domain() const { return domain_; }
  Connection connection() const { return domain_.connection(); }

  // virDomainCheckpointGetXMLDesc: kSecure (refused read-only), kNoDomain, kSize.
  Result<std::string> GetXmlDesc(CheckpointXmlFlags flags = CheckpointXmlFlags::kNone) const;
  // virDomainCheckpointGetParent: flags must be 0; a root -> VIR_ERR_NO_DOMAIN_CHECKPOINT.
  Result<Checkpoint> GetParent(unsigned flags = 0) const;
  // virDomainCheckpointListAllChildren: direct children, or with kDescendants all of them;
  // kTopological, kLeaves, kNoLeaves as for ListAllCheckpoints.
  Result<std::vector<Checkpoint>> ListAllChildren(
      CheckpointListFlags flags = CheckpointListFlags::kNone) const;
  // virDomainCheckpointDelete: kChildren, kChildrenOnly (mutually exclusive), kMetadataOnly.
  // Deleting a checkpoint keeps its parent's record of every block changed since the parent.
  Status Delete(CheckpointDeleteFlags flags = CheckpointDeleteFlags::kNone) const;

  // Cairn extension: the health of every bitmap this checkpoint relies on, one entry per
  // checkpointed disk. An incremental backup from a checkpoint with any entry not kOk is
  // refused (VIR_ERR_CHECKPOINT_INCONSISTENT). Drivers without bitmaps (test:///default)
  // report VIR_ERR_NO_SUPPORT.
  Result<std::vector<CheckpointBitmapState>> CheckBitmaps() const;

 private:
  friend class Domain;
  Checkpoint(Domain domain, std::string name) : domain_(std::move(domain)), name_(std::move(name)) {}

  Domain domain_;
  std::string name_;
};

}  // namespace cairn
