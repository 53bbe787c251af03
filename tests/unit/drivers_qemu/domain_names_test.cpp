// Names that are awkward for files and for QEMU's option syntax, on the qemu driver with a
// real QEMU: a domain named "a,b" is started, listed as running and destroyed (no QEMU left
// untracked); checkpoint and domain names up to the storable limit work, longer ones are
// refused before anything is written, and an interrupted change that cannot be finished
// leaves read-only commands working and says how to get out.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "conf/xml_element.hpp"
#include "model/checkpoint_store.hpp"
#include "qemu_fixture.hpp"

namespace cairn::test {
namespace {

namespace fs = std::filesystem;

class DomainNames : public QemuRootTest {
 protected:
  // vm1's XML with another name.
  std::string NamedXml(const std::string& name) const {
    std::string xml = DomainXml();
    xml.replace(xml.find("<name>vm1</name>"), 16, "<name>" + name + "</name>");
    return xml;
  }

  // Whether a process whose command line contains `needle` is alive.
  static bool QemuWithArgumentRuns(const std::string& needle) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      std::ifstream in(entry.path() / "cmdline", std::ios::binary);
      std::string cmdline((std::istreambuf_iterator<char>(in)), {});
      if (cmdline.find(needle) != std::string::npos && cmdline.find("qemu") == 0) return true;
    }
    return false;
  }
};

TEST_F(DomainNames, DomainWithCommaStartsIsListedRunningAndDestroyed) {
  ASSERT_TRUE(dom_->Undefine());
  auto dom = conn_->DefineDomainXml(NamedXml("a,b"));
  ASSERT_TRUE(dom) << dom.error().Text();
  ASSERT_TRUE(dom->Start());

  auto found = Open().LookupDomainByName("a,b");
  ASSERT_TRUE(found) << found.error().Text();
  EXPECT_EQ(found->GetInfo()->state, DomainState::kRunning);
  auto active = Open().ListAllDomains(ListDomainsFlags::kActive);
  ASSERT_TRUE(active);
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].name(), "a,b");

  ASSERT_TRUE(found->Destroy());
  EXPECT_EQ(Open().LookupDomainByName("a,b")->GetInfo()->state, DomainState::kShutoff);
  EXPECT_FALSE(QemuWithArgumentRuns("guest=a,,b,"));
}

std::string CheckpointXml(const std::string& name) {
  return "<domaincheckpoint><name>" + name + "</name></domaincheckpoint>";
}

TEST_F(DomainNames, CheckpointNameOfTheStorableLimitIsCreatedAndListed) {
  const std::string name(model::kMaxStoredNameBytes, 'c');
  auto cp = dom_->CheckpointCreateXml(CheckpointXml(name));
  ASSERT_TRUE(cp) << cp.error().Text();
  EXPECT_EQ(CheckpointNames(), (std::set<std::string>{name}));
  EXPECT_EQ(BitmapsIn("vda"), (std::set<std::string>{name}));
}

TEST_F(DomainNames, LongerCheckpointNameIsRefusedBeforeAnythingIsWritten) {
  for (std::size_t size : {model::kMaxStoredNameBytes + 1, std::size_t{255}}) {
    auto cp = dom_->CheckpointCreateXml(CheckpointXml(std::string(size, 'c')));
    ASSERT_FALSE(cp) << size;
    EXPECT_EQ(cp.error().code(), ErrorCode::kInvalidArg);
    EXPECT_NE(cp.error().detail().find("at most 239 bytes"), std::string::npos)
        << cp.error().detail();
  }
  EXPECT_FALSE(fs::exists(fs::path(Root()) / "checkpoints" / "vm1" / ".journal"));
  EXPECT_TRUE(BitmapsIn("vda").empty());
  auto ro = Connection::Open(Uri(), true);
  ASSERT_TRUE(ro);
  auto list = ro->LookupDomainByName("vm1")->ListAllCheckpoints();
  ASSERT_TRUE(list) << list.error().Text();
  EXPECT_TRUE(list->empty());
  EXPECT_TRUE(dom_->CheckpointCreateXml(CheckpointXml("ok")));
}

TEST_F(DomainNames, JournalOfAnUnstorableCheckpointIsRolledBackNotRetried) {
  // As an older Cairn left it: the journal written, the file never storable.
  const std::string name(245, 'j');
  conf::XmlElement journal("journal");
  journal.SetAttribute("op", "create");
  conf::XmlElement created("created");
  created.set_text("<domaincheckpoint><name>" + name +
                   "</name><creationTime>1</creationTime>"
                   "<disks><disk name='vda' checkpoint='bitmap' bitmap='" +
                   name +
                   "'/>"
                   "<disk name='vdb' checkpoint='bitmap' bitmap='" +
                   name +
                   "'/></disks>"
                   "</domaincheckpoint>");
  journal.AddChild(std::move(created));
  const fs::path dir = fs::path(Root()) / "checkpoints" / "vm1";
  fs::create_directories(dir);
  std::ofstream(dir / ".journal") << journal.ToString();

  auto list = Open().LookupDomainByName("vm1")->ListAllCheckpoints();
  ASSERT_TRUE(list) << list.error().Text();
  EXPECT_TRUE(list->empty());
  EXPECT_FALSE(fs::exists(dir / ".journal"));
  EXPECT_TRUE(dom_->CheckpointCreateXml(CheckpointXml("after")));
}

TEST_F(DomainNames, UnfinishableJournalKeepsReadsWorkingAndNamesTheWayOut) {
  const fs::path journal = fs::path(Root()) / "checkpoints" / "vm1" / ".journal";
  fs::create_directories(journal.parent_path());
  std::ofstream(journal) << "<journal op='create'><created>not a checkpoint</created></journal>";

  auto ro = Connection::Open(Uri(), true);
  ASSERT_TRUE(ro);
  auto list = ro->LookupDomainByName("vm1")->ListAllCheckpoints();
  ASSERT_TRUE(list) << list.error().Text();
  EXPECT_TRUE(list->empty());

  auto cp = dom_->CheckpointCreateXml(CheckpointXml("c1"));
  ASSERT_FALSE(cp);
  EXPECT_NE(cp.error().detail().find("'" + journal.string() + "'"), std::string::npos)
      << cp.error().detail();
  EXPECT_NE(cp.error().detail().find("remove that file"), std::string::npos);

  fs::remove(journal);
  EXPECT_TRUE(dom_->CheckpointCreateXml(CheckpointXml("c1")));
}

TEST_F(DomainNames, DomainNameOfTheStorableLimitIsDefinedLongerIsRefused) {
  const std::string name(239, 'd');
  auto dom = conn_->DefineDomainXml(NamedXml(name));
  ASSERT_TRUE(dom) << dom.error().Text();
  EXPECT_TRUE(Open().LookupDomainByName(name));
  auto longer = conn_->DefineDomainXml(NamedXml(name + "d"));
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().code(), ErrorCode::kInvalidArg);
  EXPECT_NE(longer.error().detail().find("at most 239 bytes"), std::string::npos);
  EXPECT_FALSE(Open().LookupDomainByName(name + "d"));
}

}  // namespace
}  // namespace cairn::test
