// tools/cairn/table_printer.hpp — the aligned tables of `list`, `domblklist` and
// `checkpoint-list`, laid out exactly as virsh's vsh-table does: every cell is a space and
// its text, cells are padded to their column's width plus two spaces (the last one is not
// padded), and the header is underlined with dashes. Quiet mode drops the header, and the
// header then does not count towards the column widths either.
#pragma once

#include <string>
#include <vector>

namespace cairn::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

  // `cells` must have as many entries as the header.
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  std::string Render(bool with_header) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

// How wide `text` is on a terminal, in columns, after control characters are shown as
// "\xNN" (4 columns each), as virsh counts it.
std::string SafeCellText(const std::string& text, std::size_t* width);

}  // namespace cairn::cli
