// tests/support/repository_keys.hpp — repository keys for tests, made from a fill byte so
// that two tests' keys differ or match on purpose.
#pragma once

#include "repo/repository_key.hpp"

namespace cairn::testing {

inline repo::RepositoryKey TestKey(unsigned char fill) {
  repo::Key256 secret{};
  secret.fill(fill);
  return repo::RepositoryKey::FromSecret(secret);
}

}  // namespace cairn::testing
