// Table: vsh-table's layout, including its \xNN escaping of control characters.
#include "tools/cairn/table_printer.hpp"

#include <fmt/format.h>

#include <cwchar>

namespace cairn::cli {

std::string SafeCellText(const std::string& text, std::size_t* width) {
  std::string out;
  *width = 0;
  std::mbstate_t state{};
  std::size_t i = 0;
  auto escape = [&](unsigned char c) {
    out += fmt::format("\\x{:02x}", c);
    *width += 4;
  };
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    // A literal "\x" is escaped too, so that the output stays unambiguous.
    if ((c == '\\' && i + 1 < text.size() && text[i + 1] == 'x') || c < 0x20 || c == 0x7f) {
      escape(c);
      ++i;
      continue;
    }
    wchar_t wc = 0;
    std::size_t len = std::mbrtowc(&wc, text.data() + i, text.size() - i, &state);
    if (len == 0) break;
    if (len == static_cast<std::size_t>(-1) || len == static_cast<std::size_t>(-2)) {
      state = {};
      if (c >= 0x20 && c < 0x7f) {
        out += static_cast<char>(c);
        ++*width;
      } else {
        escape(c);
      }
      ++i;
      continue;
    }
    int w = ::wcwidth(wc);
    if (w < 0) {
      for (std::size_t k = 0; k < len; ++k) escape(static_cast<unsigned char>(text[i + k]));
    } else {
      out.append(text, i, len);
      *width += static_cast<std::size_t>(w);
    }
    i += len;
  }
  return out;
}

std::string Table::Render(bool with_header) const {
  const std::size_t columns = rows_.front().size();
  std::vector<std::size_t> max_width(columns, 0);
  std::vector<std::vector<std::size_t>> widths(rows_.size(), std::vector<std::size_t>(columns));
  std::vector<std::vector<std::string>> cells(rows_.size(), std::vector<std::string>(columns));
  for (std::size_t r = with_header ? 0 : 1; r < rows_.size(); ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      cells[r][c] = SafeCellText(rows_[r][c], &widths[r][c]);
      max_width[c] = std::max(max_width[c], widths[r][c]);
    }
  }
  std::string out;
  auto print_row = [&](std::size_t r) {
    for (std::size_t c = 0; c < columns; ++c) {
      out += ' ';
      out += cells[r][c];
      if (c + 1 < columns) out.append(max_width[c] - widths[r][c] + 2, ' ');
    }
    out += '\n';
  };
  if (with_header) {
    print_row(0);
    for (std::size_t c = 0; c < columns; ++c) out.append(max_width[c] + 3, '-');
    out += '\n';
  }
  for (std::size_t r = 1; r < rows_.size(); ++r) print_row(r);
  return out;
}

}  // namespace cairn::cli
