// cairn/xml_text.hpp — text made safe inside an XML document, as libvirt's
// virBufferEscapeString makes it: the five markup characters become entities and the
// control characters XML cannot hold (all below 0x20 but tab, newline and carriage return)
// are dropped. For tools that build libvirt XML by hand; CheckpointSpec and BackupSpec use
// it. Pure function, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace cairn {

// `text` escaped for element content or a quoted attribute value (' and " both escaped).
std::string XmlEscape(std::string_view text);

}  // namespace cairn
