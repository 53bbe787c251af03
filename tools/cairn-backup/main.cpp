// cairn-backup: incremental-forever backups of QEMU domains into a repository.
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tools/cairn-backup/command_line.hpp"
#include "tools/cairn-backup/commands.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  cairn::Result<cairn::backup::CommandLine> cl = cairn::backup::ParseCommandLine(args);
  cairn::Status ok = cl ? cairn::backup::RunCommand(*cl) : cairn::Status(std::unexpected(cl.error()));
  if (!ok) {
    fmt::print(stderr, "error: {}\n", ok.error().Text());
    return 1;
  }
  return 0;
}
