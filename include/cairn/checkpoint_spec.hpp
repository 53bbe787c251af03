// cairn/checkpoint_spec.hpp — a <domaincheckpoint> to create, as a value: the name, a
// description and how each disk takes part. ToXml() writes the document
// Domain::CheckpointCreateXml takes, in libvirt's layout (what `virsh checkpoint-create-as
// --print-xml` prints). Plain values: copyable, no handles, no validation here — the
// driver's parser judges the document (a bad disk mode or name is refused there, with
// libvirt's error). Safe to use from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cairn {

// One <disk> of a checkpoint.
struct CheckpointDiskSpec {
  std::string name;  // the domain's disk target ("vda") or its source path
  // "bitmap" (track the disk's changes) or "no"; absent: the driver's default (bitmap for a
  // listed disk). A string, as the XML attribute is, so a tool can pass the user's word on.
  std::optional<std::string> checkpoint{};
  std::optional<std::string> bitmap{};  // the bitmap's name; absent: the checkpoint's name
};

struct CheckpointSpec {
  std::optional<std::string> name{};         // absent: the driver names it (creation time)
  std::optional<std::string> description{};  // absent: no <description>
  // Absent: no <disks> element (every disk with writable media is tracked); present, even
  // empty: exactly these disks, the others not.
  std::optional<std::vector<CheckpointDiskSpec>> disks{};

  // The <domaincheckpoint> document, ending in a newline; text escaped with XmlEscape.
  std::string ToXml() const;
};

}  // namespace cairn
