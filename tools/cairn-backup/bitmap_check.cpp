#include "tools/cairn-backup/bitmap_check.hpp"

#include <fmt/format.h>

#include "cairn/checkpoint.hpp"
#include "tools/cairn-backup/xml_nodes.hpp"

namespace cairn::backup {

using xml::Attribute;
using xml::Named;

std::optional<BitmapVerdicts> VerdictsFromSizedXml(std::string_view checkpoint_xml,
                                                   const std::string& base) {
  xml::Document doc = xml::Read(checkpoint_xml, "checkpoint.xml");
  if (!doc) return std::nullopt;
  BitmapVerdicts out;
  for (xmlNode* n = xmlDocGetRootElement(doc.get())->children; n; n = n->next) {
    if (!Named(n, "disks")) continue;
    for (xmlNode* d = n->children; d; d = d->next) {
      if (!Named(d, "disk") || Attribute(d, "checkpoint") != "bitmap") continue;
      std::string& verdict = out[Attribute(d, "name")];
      if (xmlHasProp(d, reinterpret_cast<const xmlChar*>("size"))) continue;
      const std::string bitmap = Attribute(d, "bitmap");
      verdict = fmt::format(
          "the hypervisor reports no valid bitmap '{}' (checkpoint XML "
          "without a size)",
          bitmap.empty() ? base : bitmap);
    }
  }
  return out;
}

std::optional<BitmapVerdicts> CheckBaseBitmaps(const Domain& dom, const std::string& base) {
  Result<std::vector<CheckpointBitmapReport>> reports = dom.CheckCheckpointBitmaps();
  if (!reports) {
    if (reports.error().code() != ErrorCode::kNoSupport) return std::nullopt;
    Result<Checkpoint> checkpoint = dom.CheckpointLookupByName(base);
    if (!checkpoint) return std::nullopt;
    Result<std::string> xml = checkpoint->GetXmlDesc(CheckpointXmlFlags::kSize);
    if (!xml) return std::nullopt;
    return VerdictsFromSizedXml(*xml, base);
  }
  for (const CheckpointBitmapReport& r : *reports) {
    if (r.checkpoint != base) continue;
    BitmapVerdicts out;
    for (const CheckpointBitmapState& b : r.bitmaps) {
      std::string& verdict = out[b.disk];
      if (b.health == BitmapHealth::kMissing) {
        verdict = fmt::format("bitmap '{}' is missing", b.bitmap);
      } else if (b.health == BitmapHealth::kInconsistent) {
        verdict = fmt::format("bitmap '{}' is inconsistent", b.bitmap);
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace cairn::backup
