// How a bench program treats a failed Cairn call: it prints the program's name, the step and
// the error, and exits. A bench has nobody to return an error to, and a figure measured past
// a failed step would be meaningless.
#pragma once

#include <errno.h>  // program_invocation_short_name (glibc)

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "cairn/cairn.hpp"

namespace cairn::bench {

[[noreturn]] inline void Fail(const char* what, const cairn::Error& e) {
  std::fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, e.Text().c_str());
  std::exit(1);
}

template <typename T>
T Must(cairn::Result<T> r, const char* what) {
  if (!r) Fail(what, r.error());
  return std::move(*r);
}

inline void Must(const cairn::Status& s, const char* what) {
  if (!s) Fail(what, s.error());
}

inline double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace cairn::bench
