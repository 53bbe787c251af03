// The RelaxNG schemas of src/conf/schemas, compiled into the library by
// cmake/embed_files.cmake, so validation needs no file on the user's machine.
#pragma once

#include <string_view>

namespace cairn::conf {

// The text of the schema file `name` ("domaincheckpoint.rng"), or empty if there is none.
std::string_view EmbeddedSchema(std::string_view name);

}  // namespace cairn::conf
