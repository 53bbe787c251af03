// CheckpointSpec::ToXml: the document virsh's checkpoint-create-as builds, field by field.
#include "cairn/checkpoint_spec.hpp"

#include "cairn/xml_text.hpp"

namespace cairn {

std::string CheckpointSpec::ToXml() const {
  std::string xml = "<domaincheckpoint>\n";
  if (name) xml += "  <name>" + XmlEscape(*name) + "</name>\n";
  if (description) xml += "  <description>" + XmlEscape(*description) + "</description>\n";
  if (disks) {
    xml += "  <disks>\n";
    for (const CheckpointDiskSpec& d : *disks) {
      xml += "    <disk name='" + XmlEscape(d.name) + "'";
      if (d.checkpoint) xml += " checkpoint='" + XmlEscape(*d.checkpoint) + "'";
      if (d.bitmap) xml += " bitmap='" + XmlEscape(*d.bitmap) + "'";
      xml += "/>\n";
    }
    xml += "  </disks>\n";
  }
  return xml + "</domaincheckpoint>\n";
}

}  // namespace cairn
