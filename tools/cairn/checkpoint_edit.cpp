// checkpoint-edit: dump with SECURE, edit, redefine; a changed name is refused and its
// freshly made metadata removed again.
#include <fmt/format.h>

#include "tools/cairn/checkpoint_commands.hpp"
#include "tools/cairn/checkpoint_lookup.hpp"
#include "tools/cairn/command_args.hpp"
#include "tools/cairn/editor.hpp"

namespace cairn::cli {
namespace {

// Runs the edit cycle. Returns the redefined checkpoint, nullopt when nothing changed
// (after saying so), or false in *ok on failure.
std::optional<Checkpoint> EditAndRedefine(Session& s, const Domain& dom, const Checkpoint& cp,
                                          bool* ok) {
  *ok = false;
  Result<std::string> original = cp.GetXmlDesc(CheckpointXmlFlags::kSecure);
  if (!original) {
    s.SetError(original.error());
    return std::nullopt;
  }
  Result<EditBuffer> buffer = EditBuffer::Create(*original);
  if (!buffer) {
    s.SetError(buffer.error());
    s.ReportError();
    return std::nullopt;
  }
  std::string doc = std::move(*original);
  std::string edited;
  for (bool edit = true;;) {
    if (edit) {
      Status ran = buffer->Edit();
      Result<std::string> text = ran ? buffer->Read() : std::unexpected(ran.error());
      if (!text) {
        s.SetError(text.error());
        s.ReportError();  // virsh reports editor failures at once, before "Failed to update"
        return std::nullopt;
      }
      edited = std::move(*text);
      if (edited == doc) {
        s.out().PrintExtra(
            fmt::format("Checkpoint {} XML configuration not changed.\n", cp.name()));
        *ok = true;
        return std::nullopt;
      }
    }
    // Someone may have changed the checkpoint while the editor ran.
    Result<std::string> reread = cp.GetXmlDesc(CheckpointXmlFlags::kSecure);
    if (!reread) {
      s.SetError(reread.error());
      return std::nullopt;
    }
    std::string message;
    if (*reread != doc) {
      message = "The XML configuration was changed by another user.";
      doc = std::move(*reread);
    } else {
      Result<Checkpoint> redefined =
          dom.CheckpointCreateXml(edited, CheckpointCreateFlags::kRedefine);
      if (redefined) {
        *ok = true;
        return *redefined;
      }
      s.SetError(redefined.error());
      message = "Failed.";
    }
    int answer = AskReedit(s, message);
    if (answer == 'n') return std::nullopt;
    if (answer < 0) {
      s.out().Error(message);
      return std::nullopt;
    }
    edit = answer == 'y';
  }
}

}  // namespace

bool RunCheckpointEdit(Session& s, const ParsedCommand& cmd) {
  std::optional<Domain> dom = LookupDomain(s, cmd);
  if (!dom) return false;
  std::optional<Checkpoint> cp = LookupCheckpoint(s, cmd, *dom, "checkpointname");
  if (!cp) return false;
  bool ok = false;
  std::optional<Checkpoint> edited = EditAndRedefine(s, *dom, *cp, &ok);
  if (ok && !edited) return true;  // unchanged
  if (ok && edited->name() != cp->name()) {
    // Renaming would orphan whatever the hypervisor keeps under the old name.
    ok = false;
    if (Status gone = edited->Delete(CheckpointDeleteFlags::kMetadataOnly); !gone) {
      s.SetError(gone.error());
      s.ReportError();
      s.out().Error(fmt::format("Failed to clean up {}", edited->name()));
    } else {
      s.out().Error(fmt::format("Cannot rename checkpoint {} to {}", cp->name(), edited->name()));
    }
  }
  if (!ok) {
    s.out().Error(fmt::format("Failed to update {}", cp->name()));
    return false;
  }
  s.out().PrintExtra(fmt::format("Checkpoint {} edited.\n", cp->name()));
  return true;
}

}  // namespace cairn::cli
