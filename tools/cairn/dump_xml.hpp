// tools/cairn/dump_xml.hpp — how the dumpxml commands print a document: whole, or only
// the nodes an --xpath expression selects (each on its own, or with --wrap under a common
// <nodes> root), re-indented as virsh's virshDumpXML does.
#pragma once

#include <optional>
#include <string>

#include "tools/cairn/session.hpp"

namespace cairn::cli {

// Returns false after recording "Incorrect xpath 'EXPR'" for an expression that does not
// select nodes.
bool DumpXml(Session& session, const std::string& xml, const std::optional<std::string>& xpath,
             bool wrap);

}  // namespace cairn::cli
