// tools/cairn/editor.hpp — the edit cycle of the *-edit commands: the document goes to a
// private temporary file, the user's editor ($VISUAL, else $EDITOR, else vi) runs on it,
// and the result is read back. The file is removed when the EditBuffer goes away.
#pragma once

#include <string>

#include "cairn/error.hpp"
#include "tools/cairn/session.hpp"

namespace cairn::cli {

class EditBuffer {
 public:
  // Writes `document` to $TMPDIR/cairnXXXXXX.xml (mode 0600).
  static Result<EditBuffer> Create(const std::string& document);
  EditBuffer(EditBuffer&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  EditBuffer(const EditBuffer&) = delete;
  ~EditBuffer();

  // Runs the editor on the file and waits for it; an editor string with shell syntax
  // ("emacs -nw", "sed -i ...") is run through sh. Fails if it does not exit with 0.
  Status Edit() const;
  Result<std::string> Read() const;
  const std::string& path() const { return path_; }

 private:
  explicit EditBuffer(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// After a failed redefinition: asks "<msg> Try again? [y,n,f,?]:" on the terminal and
// returns 'y' (edit again), 'n' (give up) or 'f' (redefine again as is); -1 without a
// terminal on stdin, in which case nothing is asked.
int AskReedit(Session& session, const std::string& message);

}  // namespace cairn::cli
