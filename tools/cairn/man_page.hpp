// tools/cairn/man_page.hpp — cairn(1) in roff, generated from the command table (names,
// synopses, options and their help are the ones `help` prints) plus the prose around it.
// The build writes it with `cairn --man`; docs/cairn.1 is a checked copy of that output.
#pragma once

#include <string>

namespace cairn::cli {

std::string ManPage();

}  // namespace cairn::cli
