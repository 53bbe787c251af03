// The QEMU command line built from a domain definition.
#include "drivers/qemu/qemu_command.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace cairn::drivers::qemu {
namespace {

conf::DomainDef Def(const std::string& devices, const std::string& os = "") {
  auto d = conf::DomainDef::Parse(
      "<domain type='kvm'><name>vm,1</name><uuid>11111111-2222-3333-4444-555555555555</uuid>"
      "<memory unit='MiB'>300</memory><vcpu>2</vcpu><os><type arch='x86_64' machine='q35'>hvm"
      "</type>" + os + "</os><devices>" + devices + "</devices></domain>");
  EXPECT_TRUE(d) << d.error().Text();
  return *d;
}

bool Has(const std::vector<std::string>& argv, const std::string& a, const std::string& b) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == a && argv[i + 1] == b) return true;
  }
  return false;
}

const StateLayout kLayout("/r");

TEST(QemuCommand, BasicsComeFromTheDefinition) {
  auto argv = BuildQemuCommand(Def(""), kLayout, {.kvm = false});
  ASSERT_TRUE(argv);
  EXPECT_TRUE(Has(*argv, "-machine", "q35,accel=tcg"));
  EXPECT_TRUE(Has(*argv, "-m", "300M"));
  EXPECT_TRUE(Has(*argv, "-smp", "2"));
  EXPECT_TRUE(Has(*argv, "-uuid", "11111111-2222-3333-4444-555555555555"));
  EXPECT_TRUE(Has(*argv, "-name", "guest=vm,,1,debug-threads=on"));  // commas doubled
  EXPECT_TRUE(Has(*argv, "-qmp", "unix:/r/run/vm,,1/qmp.sock,server=on,wait=off"));
  EXPECT_NE(std::find(argv->begin(), argv->end(), "-daemonize"), argv->end());
}

TEST(QemuCommand, BuiltCommandLineIsRecognisedAsTheDomains) {
  auto argv = BuildQemuCommand(Def(""), kLayout, {.kvm = false});
  ASSERT_TRUE(argv);
  EXPECT_TRUE(IsCommandLineOf(*argv, "vm,1"));
}

TEST(QemuCommand, CommandLineOfAnotherNameIsNotRecognised) {
  // "a" must not claim the QEMU of "a,b" (guest=a,,b,...) nor "a,b" the QEMU of "a".
  std::vector<std::string> ab = {"qemu", "-name", QemuNameOption("a,b")};
  std::vector<std::string> a = {"qemu", "-name", QemuNameOption("a")};
  EXPECT_FALSE(IsCommandLineOf(ab, "a"));
  EXPECT_FALSE(IsCommandLineOf(a, "a,b"));
  EXPECT_FALSE(IsCommandLineOf(ab, "a,,b"));
  EXPECT_TRUE(IsCommandLineOf(ab, "a,b"));
}

TEST(QemuCommand, DiskDiscardModeReachesTheFileAndFormatNodes) {
  auto argv = BuildQemuCommand(
      Def("<disk type='file' device='disk'><driver name='qemu' type='raw' discard='ignore'/>"
          "<source file='/a.img'/><target dev='vda' bus='virtio'/></disk>"),
      kLayout, {});
  ASSERT_TRUE(argv) << argv.error().Text();
  EXPECT_TRUE(Has(*argv, "-blockdev",
                  "driver=file,node-name=file-vda,filename=/a.img,read-only=off,"
                  "cache.direct=off,discard=ignore"));
  EXPECT_TRUE(Has(*argv, "-blockdev",
                  "driver=raw,node-name=disk-vda,file=file-vda,read-only=off,discard=ignore"));
}

TEST(QemuCommand, OnRebootDestroyIsNoReboot) {
  auto reboot = BuildQemuCommand(Def(""), kLayout, {});
  ASSERT_TRUE(reboot);
  EXPECT_EQ(std::find(reboot->begin(), reboot->end(), "-no-reboot"), reboot->end());
  auto d = conf::DomainDef::Parse(
      "<domain type='qemu'><name>v</name><on_reboot>destroy</on_reboot></domain>");
  ASSERT_TRUE(d);
  auto destroy = BuildQemuCommand(*d, kLayout, {});
  ASSERT_TRUE(destroy) << destroy.error().Text();
  EXPECT_NE(std::find(destroy->begin(), destroy->end(), "-no-reboot"), destroy->end());
}

TEST(QemuCommand, KvmOnlyWhenAsked) {
  auto argv = BuildQemuCommand(Def(""), kLayout, {.kvm = true});
  EXPECT_TRUE(Has(*argv, "-machine", "q35,accel=kvm"));
}

TEST(QemuCommand, DirectKernelBoot) {
  auto argv = BuildQemuCommand(
      Def("", "<kernel>/k</kernel><initrd>/i</initrd><cmdline>console=ttyS0</cmdline>"), kLayout,
      {});
  EXPECT_TRUE(Has(*argv, "-kernel", "/k"));
  EXPECT_TRUE(Has(*argv, "-initrd", "/i"));
  EXPECT_TRUE(Has(*argv, "-append", "console=ttyS0"));
}

TEST(QemuCommand, Qcow2DiskGetsStableNodeNamesOnVirtio) {
  auto argv = BuildQemuCommand(
      Def("<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
          "<source file='/img/a.qcow2'/><target dev='vda' bus='virtio'/></disk>"),
      kLayout, {});
  ASSERT_TRUE(argv) << argv.error().Text();
  EXPECT_TRUE(Has(*argv, "-blockdev",
                  "driver=file,node-name=file-vda,filename=/img/a.qcow2,read-only=off,"
                  "cache.direct=off"));  // no discard: QEMU's default, as libvirt
  // An L2 cache for every table of a 1 TiB image, so QEMU reads whole tables past 256 GiB.
  EXPECT_TRUE(Has(*argv, "-blockdev",
                  "driver=qcow2,node-name=disk-vda,file=file-vda,read-only=off,"
                  "l2-cache-size=134217728"));
  EXPECT_TRUE(Has(*argv, "-device", "virtio-blk-pci,id=virtio-disk0,drive=disk-vda"));
}

TEST(QemuCommand, SerialAndAgentChannelBecomeUnixSockets) {
  auto argv = BuildQemuCommand(
      Def("<serial type='unix'><source mode='bind' path='/s.sock'/></serial>"
          "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"),
      kLayout, {});
  ASSERT_TRUE(argv);
  EXPECT_TRUE(Has(*argv, "-chardev", "socket,id=serial0,path=/s.sock,server=on,wait=off"));
  EXPECT_TRUE(Has(*argv, "-serial", "chardev:serial0"));
  EXPECT_TRUE(Has(*argv, "-chardev", "socket,id=qga0,path=/r/run/vm,,1/qga.sock,server=on,wait=off"));
}

TEST(QemuCommand, UnsupportedFormatIsConfigUnsupported) {
  auto argv = BuildQemuCommand(
      Def("<disk type='file' device='disk'><driver name='qemu' type='vmdk'/>"
          "<source file='/a.vmdk'/><target dev='vda' bus='virtio'/></disk>"),
      kLayout, {});
  ASSERT_FALSE(argv);
  EXPECT_EQ(argv.error().Text(),
            "unsupported configuration: <driver type='vmdk'> is not supported by Cairn's qemu "
            "driver");
}

TEST(QemuCommand, StoredDefinitionOutsideTheAllowListIsRefusedAtStart) {
  // A definition stored before define checked the allow-list must not boot without its NIC.
  auto argv = BuildQemuCommand(Def("<interface type='user'/>"), kLayout, {});
  ASSERT_FALSE(argv);
  EXPECT_EQ(argv.error().code(), ErrorCode::kConfigUnsupported);
  EXPECT_EQ(argv.error().detail(), "<interface> is not supported by Cairn's qemu driver");
}

TEST(QemuCommand, SandboxIsOnByDefault) {
  auto argv = BuildQemuCommand(Def(""), kLayout, {});
  ASSERT_TRUE(argv);
  EXPECT_TRUE(Has(*argv, "-sandbox", "on,obsolete=deny,resourcecontrol=deny"));
  EXPECT_EQ(std::find(argv->begin(), argv->end(), "-runas"), argv->end());
}

TEST(QemuCommand, SandboxOffIsSaidExplicitly) {
  auto argv = BuildQemuCommand(Def(""), kLayout, {.seccomp_sandbox = false});
  ASSERT_TRUE(argv);
  EXPECT_TRUE(Has(*argv, "-sandbox", "off"));
}

TEST(QemuCommand, RunAsDropsToNumericIds) {
  auto argv = BuildQemuCommand(Def(""), kLayout, {.run_as = QemuRunAs{.uid = 107, .gid = 36}});
  ASSERT_TRUE(argv);
  EXPECT_TRUE(Has(*argv, "-runas", "107:36"));
}

}  // namespace
}  // namespace cairn::drivers::qemu
