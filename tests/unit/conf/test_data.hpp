// Reading files of tests/data in conf unit tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace cairn::test {

inline std::string ReadData(const std::string& relative) {
  std::ifstream in(std::string(CAIRN_SOURCE_DIR) + "/tests/data/" + relative, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace cairn::test
