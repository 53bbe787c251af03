// tools/cairn/xml_text.hpp — text made safe inside XML, as libvirt's virBufferEscapeString
// makes it: markup characters become entities and the control characters XML cannot hold
// are dropped. Used for the documents checkpoint-create-as builds and for `echo --xml`.
#pragma once

#include <string>
#include <string_view>

namespace cairn::cli {

std::string XmlEscape(std::string_view text);

}  // namespace cairn::cli
