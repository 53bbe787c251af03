// Locating and reading libvirt's conformance vectors in ../shared/conformance at test time
// (never copied into the project). $CAIRN_SHARED_DIR overrides the configured location.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cairn::test {

inline std::filesystem::path ConformanceDir() {
  const char* env = std::getenv("CAIRN_SHARED_DIR");
  return std::filesystem::path(env != nullptr ? env : CAIRN_SHARED_DIR) / "conformance";
}

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The stem of every *.xml in SUITE/in and SUITE/out, sorted and without duplicates.
inline std::vector<std::string> VectorNames(const std::string& suite) {
  std::set<std::string> names;
  for (const char* sub : {"in", "out"}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(ConformanceDir() / suite / sub, ec)) {
      if (e.path().extension() == ".xml") names.insert(e.path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

// Every *.xml file of SUITE/in and SUITE/out, as "in/name.xml" paths relative to SUITE.
inline std::vector<std::string> VectorFiles(const std::string& suite) {
  std::set<std::string> files;
  for (const char* sub : {"in", "out"}) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(ConformanceDir() / suite / sub, ec)) {
      if (e.path().extension() == ".xml") {
        files.insert(std::string(sub) + "/" + e.path().filename().string());
      }
    }
  }
  return {files.begin(), files.end()};
}

// GoogleTest names allow only alphanumerics and '_'.
inline std::string TestName(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

}  // namespace cairn::test
