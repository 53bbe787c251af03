/* Minimal assertions for the C API tests: a failed check prints where and why, and the
 * program exits non-zero at the end. */
#ifndef CAIRN_CAPI_CHECK_H
#define CAIRN_CAPI_CHECK_H

#include <stdio.h>
#include <string.h>

static int capi_failures = 0;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, \
              #cond, virGetLastErrorMessage());                                       \
      capi_failures++;                                                                \
    }                                                                                 \
  } while (0)

#define CHECK_ERROR(code_, text_)                                                          \
  do {                                                                                     \
    virErrorPtr e_ = virGetLastError();                                                    \
    if (e_ == NULL || e_->code != (code_) || strcmp(e_->message, (text_)) != 0) {          \
      fprintf(stderr, "%s:%d: expected error %d '%s', got %d '%s'\n", __FILE__, __LINE__,  \
              (int)(code_), (text_), e_ ? e_->code : 0, e_ ? e_->message : "(none)");      \
      capi_failures++;                                                                     \
    }                                                                                      \
  } while (0)

#define CHECK_DONE()                                                        \
  do {                                                                      \
    if (capi_failures) fprintf(stderr, "%d check(s) failed\n", capi_failures); \
    return capi_failures ? 1 : 0;                                           \
  } while (0)

#endif
