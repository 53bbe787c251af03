/* virDomainSuspend / Resume / Reboot / Shutdown(Flags), virDomainGetOSType and
 * virConnectGetVersion on test:///default: return values, whether the domain is active
 * (paused is seen through the errors: suspend again, resume again), error codes and
 * messages, and the read-only rule. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>

static void report(const char *what, int rc) {
  if (rc == 0) {
    printf("%s: ok\n", what);
  } else {
    virErrorPtr e = virGetLastError();
    printf("%s: %d code=%d message=%s\n", what, rc, e ? e->code : -1,
           e && e->message ? e->message : "(none)");
  }
}

static void state(virDomainPtr d) { printf("  active %d\n", virDomainIsActive(d)); }

int main(void) {
  /* libvirt's default error handler also prints every error on stderr; Cairn's shim has no
   * such handler (nor virSetErrorFunc). This program prints each error itself, on stdout. */
  if (freopen("/dev/null", "w", stderr) == NULL) return 1;
  virConnectPtr conn = virConnectOpen("test:///default");
  if (conn == NULL) return 1;
  virDomainPtr d = virDomainLookupByName(conn, "test");
  if (d == NULL) return 1;
  unsigned long v = 0;
  report("virConnectGetVersion", virConnectGetVersion(conn, &v));
  printf("  version %lu\n", v);
  char *os = virDomainGetOSType(d);
  printf("os type %s\n", os ? os : "(null)");
  free(os);
  report("suspend", virDomainSuspend(d)); state(d);
  report("suspend again", virDomainSuspend(d)); state(d);
  report("resume", virDomainResume(d)); state(d);
  report("resume again", virDomainResume(d)); state(d);
  report("reboot acpi", virDomainReboot(d, VIR_DOMAIN_REBOOT_ACPI_POWER_BTN)); state(d);
  /* Not compared: unsupported flag bits. libvirt's message has no "invalid argument: "
   * prefix and names the driver function (testDomainShutdownFlags); Cairn's has the prefix
   * and, for bits src/api rejects, names the public entry point. */
  report("shutdown", virDomainShutdown(d)); state(d);
  report("shutdown again", virDomainShutdown(d)); state(d);
  report("reboot off", virDomainReboot(d, 0)); state(d);
  report("resume off", virDomainResume(d)); state(d);
  report("suspend null", virDomainSuspend(NULL));
  virDomainFree(d);
  virConnectClose(conn);

  conn = virConnectOpenReadOnly("test:///default");
  if (conn == NULL) return 1;
  d = virDomainLookupByName(conn, "test");
  report("read-only suspend", virDomainSuspend(d));
  report("read-only shutdown", virDomainShutdownFlags(d, 0));
  virDomainFree(d);
  virConnectClose(conn);
  return 0;
}
