// A short checkpoint session through Cairn's C++ API: open a connection, create a chain of
// checkpoints on a domain, list them in topological order, show one, delete one. It runs
// on any URI; scripts/demo runs it on test:///default.
//
//   checkpoint_session [URI] [DOMAIN]
#include <cstdio>
#include <string>

#include "cairn/cairn.hpp"

namespace {

int Die(const cairn::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.Text().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string uri = argc > 1 ? argv[1] : "test:///default";
  const std::string domain_name = argc > 2 ? argv[2] : "test";

  auto conn = cairn::Connection::Open(uri);
  if (!conn) return Die(conn.error());
  auto dom = conn->LookupDomain(domain_name);
  if (!dom) return Die(dom.error());
  std::printf("connected to %s, domain '%s' (uuid %s)\n", conn->uri().c_str(),
              dom->name().c_str(), dom->uuid().c_str());

  for (const char* name : {"mon", "tue", "wed"}) {
    std::string xml = std::string("<domaincheckpoint><name>") + name +
                      "</name><description>nightly</description></domaincheckpoint>";
    auto cp = dom->CheckpointCreateXml(xml);
    if (!cp) return Die(cp.error());
    std::printf("Domain checkpoint %s created\n", cp->name().c_str());
  }

  auto list = dom->ListAllCheckpoints(cairn::CheckpointListFlags::kTopological);
  if (!list) return Die(list.error());
  std::printf("checkpoints, parents first:\n");
  for (const cairn::Checkpoint& cp : *list) {
    auto parent = cp.GetParent();
    std::printf("  %-6s parent: %s\n", cp.name().c_str(),
                parent ? parent->name().c_str() : "-");
  }

  auto tue = dom->CheckpointLookupByName("tue");
  if (!tue) return Die(tue.error());
  auto xml = tue->GetXmlDesc(cairn::CheckpointXmlFlags::kNoDomain | cairn::CheckpointXmlFlags::kSize);
  if (!xml) return Die(xml.error());
  std::printf("checkpoint-dumpxml --no-domain --size tue:\n%s", xml->c_str());

  if (auto ok = tue->Delete(); !ok) return Die(ok.error());
  auto wed = dom->CheckpointLookupByName("wed");
  if (!wed) return Die(wed.error());
  auto parent = wed->GetParent();
  if (!parent) return Die(parent.error());
  std::printf("deleted tue; wed's parent is now %s\n", parent->name().c_str());
  return 0;
}
