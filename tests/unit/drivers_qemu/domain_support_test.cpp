// The qemu driver's allow-list: what BuildQemuCommand honours passes; everything else a
// domain can say is refused, naming the element, attribute and value.
#include "drivers/qemu/domain_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "conf/domain_def.hpp"
#include "qemu_fixture.hpp"

namespace cairn::drivers::qemu {
namespace {

// A domain with `inside_domain` after <os> and `inside_devices` after its one disk.
std::string Xml(const std::string& inside_domain, const std::string& inside_devices,
                const std::string& disk_inner = "<target dev='vda' bus='virtio'/>",
                const std::string& disk_attrs = "type='file' device='disk'") {
  return "<domain type='qemu'><name>vm1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
         "<os><type arch='x86_64' machine='pc'>hvm</type></os>" +
         inside_domain + "<devices><disk " + disk_attrs +
         "><driver name='qemu' type='qcow2'/>"
         "<source file='/i/vda.qcow2'/>" +
         disk_inner + "</disk>" + inside_devices + "</devices></domain>";
}

std::string Refusal(const std::string& xml) {
  auto def = conf::DomainDef::Parse(xml);
  EXPECT_TRUE(def) << def.error().Text();
  if (!def) return "parse failed";
  Status ok = CheckQemuSupport(*def);
  if (ok) return "accepted";
  EXPECT_EQ(ok.error().code(), ErrorCode::kConfigUnsupported);
  return ok.error().detail();
}

std::string Msg(const std::string& what) {
  return what + " is not supported by Cairn's qemu driver";
}

TEST(QemuSupport, HonouredDefinitionIsAccepted) {
  EXPECT_EQ(Refusal(Xml("<features><acpi/><apic/></features><clock offset='utc'/>"
                        "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>"
                        "<metadata><app:x xmlns:app='urn:app'><app:y/></app:x></metadata>",
                        "<serial type='unix'><source mode='bind' path='/s'/><target port='0'/>"
                        "</serial><channel type='unix'><target type='virtio' "
                        "name='org.qemu.guest_agent.0'/></channel>"
                        "<memballoon model='none'/>")),
            "accepted");
}

TEST(QemuSupport, UnhonouredDevicesAreRefusedByName) {
  for (std::string dev : {"interface", "hostdev", "graphics", "video", "sound", "watchdog", "rng",
                          "filesystem", "input", "controller", "tpm", "redirdev"}) {
    EXPECT_EQ(Refusal(Xml("", "<" + dev + " type='x'/>")), Msg("<" + dev + ">")) << dev;
  }
}

TEST(QemuSupport, UnhonouredDomainElementsAreRefusedByName) {
  struct Case {
    std::string snippet, message;
  };
  const Case cases[] = {
      {"<cpu mode='host-passthrough'/>", "<cpu>"},
      {"<iothreads>2</iothreads>", "<iothreads>"},
      {"<cputune><shares>10</shares></cputune>", "<cputune>"},
      {"<memoryBacking><hugepages/></memoryBacking>", "<memoryBacking>"},
      {"<on_crash>destroy</on_crash>", "<on_crash>"},
      {"<on_reboot>preserve</on_reboot>", "<on_reboot>preserve</on_reboot>"},
      {"<on_poweroff>restart</on_poweroff>", "<on_poweroff>restart</on_poweroff>"},
      {"<clock offset='localtime'/>", "<clock offset='localtime'>"},
      {"<clock offset='utc'><timer name='rtc'/></clock>", "<timer>"},
      {"<features><hyperv/></features>", "<hyperv>"},
      {"<pm/>", "<pm>"},
      {"<seclabel type='none'/>", "<seclabel>"},
      {"<whatever/>", "<whatever>"},
  };
  for (const Case& c : cases) EXPECT_EQ(Refusal(Xml(c.snippet, "")), Msg(c.message)) << c.snippet;
}

TEST(QemuSupport, LoaderAndVcpuAttributesAreRefused) {
  std::string pflash = Xml("", "");
  pflash.replace(pflash.find("</os>"), 5,
                 "<loader readonly='yes' type='pflash'>/OVMF.fd</loader></os>");
  EXPECT_EQ(Refusal(pflash), Msg("<loader>"));
  std::string vcpu = Xml("", "");
  vcpu.replace(vcpu.find("<vcpu>"), 6, "<vcpu current='1'>");
  EXPECT_EQ(Refusal(vcpu), Msg("<vcpu current='1'>"));
}

TEST(QemuSupport, UnhonouredDiskOptionsAreRefusedWithTheirValue) {
  struct Case {
    std::string inner, message;
  };
  const Case cases[] = {
      {"<target dev='vda' bus='virtio'/><serial>abc</serial>", "<serial>"},
      {"<target dev='sda' bus='scsi'/>", "<target bus='scsi'>"},
      {"<target dev='sda' bus='usb'/>", "<target bus='usb'>"},
      {"<target dev='fda' bus='fdc'/>", "<target bus='fdc'>"},
      {"<target dev='vda' bus='virtio'/><address type='pci' bus='0'/>", "<address>"},
      {"<target dev='vda' bus='virtio'/><iotune/>", "<iotune>"},
  };
  for (const Case& c : cases) EXPECT_EQ(Refusal(Xml("", "", c.inner)), Msg(c.message)) << c.inner;
  for (std::string drv : {"cache='none'", "io='native'", "discard='zero'", "iothread='1'"}) {
    std::string xml = Xml("", "");
    xml.replace(xml.find("type='qcow2'/>"), 14, "type='qcow2' " + drv + "/>");
    EXPECT_EQ(Refusal(xml), Msg("<driver " + drv + ">")) << drv;
  }
}

TEST(QemuSupport, NetworkAndVolumeDisksAndFloppiesAreRefusedAtDefine) {
  EXPECT_EQ(Refusal(Xml("", "", "<target dev='vda'/>", "type='network' device='disk'")),
            Msg("<disk type='network'>"));
  EXPECT_EQ(Refusal(Xml("", "", "<target dev='vda'/>", "type='volume' device='disk'")),
            Msg("<disk type='volume'>"));
  EXPECT_EQ(Refusal(Xml("", "", "<target dev='fda'/>", "type='file' device='floppy'")),
            Msg("<disk device='floppy'>"));
}

TEST(QemuSupport, PtySerialIsRefusedNotTurnedIntoANullDevice) {
  EXPECT_EQ(Refusal(Xml("", "<serial type='pty'><target port='0'/></serial>")),
            Msg("<serial type='pty'>"));
  EXPECT_EQ(Refusal(Xml("", "<console type='pty'/>")), Msg("<console type='pty'>"));
}

TEST(QemuSupport, OnlyTheGuestAgentChannelAndNoBalloonAreHonoured) {
  EXPECT_EQ(Refusal(Xml("",
                        "<channel type='unix'><target type='virtio' name='org.x'/>"
                        "</channel>")),
            Msg("<target name='org.x'>"));
  EXPECT_EQ(Refusal(Xml("", "<memballoon model='virtio'/>")), Msg("<memballoon model='virtio'>"));
}

TEST(QemuSupport, QemuCommandlineInItsNamespaceIsRefused) {
  std::string xml = Xml("<qemu:commandline><qemu:arg value='-S'/></qemu:commandline>", "");
  xml.replace(xml.find("<domain type='qemu'>"), 20,
              "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>");
  EXPECT_EQ(Refusal(xml), Msg("<qemu:commandline>"));
}

TEST(QemuSupport, ForeignNamespaceDiskIsRefusedNotTakenForADisk) {
  std::string xml = Xml("", "<x:disk xmlns:x='urn:x' type='file'><x:target dev='vdz'/></x:disk>");
  auto def = conf::DomainDef::Parse(xml);
  ASSERT_TRUE(def);
  EXPECT_EQ(def->disks().size(), 1u);
  EXPECT_EQ(Refusal(xml), Msg("<x:disk>"));
}

TEST(QemuSupport, DescriptionListsEveryHonouredElement) {
  std::string text = DescribeQemuSupport();
  EXPECT_NE(
      text.find("domain/devices/disk/driver  name=qemu  type=raw|qcow2  discard=unmap|ignore\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("domain/on_reboot  text=restart|destroy\n"), std::string::npos) << text;
}

class QemuSupportLive : public cairn::test::QemuRootTest {};

TEST_F(QemuSupportLive, DiscardAndOnRebootDestroyReachARealQemu) {
  std::string xml = DomainXml();
  xml.replace(xml.find("type='qcow2'/>"), 14, "type='qcow2' discard='ignore'/>");
  xml.replace(xml.find("<devices>"), 9, "<on_reboot>destroy</on_reboot><devices>");
  ASSERT_TRUE(conn_->DefineDomainXml(xml));
  ASSERT_TRUE(dom_->Start());
  auto dom = Open().LookupDomainByName("vm1");
  ASSERT_TRUE(dom);
  EXPECT_EQ(dom->GetInfo()->state, DomainState::kRunning);
  std::ifstream pid_file(Root() + "/run/vm1/pid");
  int pid = 0;
  pid_file >> pid;
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string cmdline((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(cmdline.find(std::string("-no-reboot\0", 11)), std::string::npos);
  EXPECT_NE(cmdline.find("filename=" + Image("vda") +
                         ",read-only=off,cache.direct=off,"
                         "discard=ignore"),
            std::string::npos);
  ASSERT_TRUE(dom->Destroy());
}

}  // namespace
}  // namespace cairn::drivers::qemu
