/* The domain calls a backup program makes around its checkpoints, on test:///default:
 * lookup by raw UUID and GetUUID, GetInfo / GetState / IsPersistent / GetAutostart, define,
 * create, destroy, undefine, FSFreeze / FSThaw (counts, mount points, errors), GetJobInfo's
 * argument check, the security model and label, NULL arguments and the read-only rule: return
 * values, error codes and messages. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <string.h>

static void report(const char *what, int rc) {
  if (rc >= 0) {
    printf("%s: %d\n", what, rc);
  } else {
    virErrorPtr e = virGetLastError();
    printf("%s: %d code=%d domain=%d message=%s\n", what, rc, e ? e->code : -1,
           e ? e->domain : -1, e && e->message ? e->message : "(none)");
  }
  virResetLastError();
}

static void info(virDomainPtr d) {
  virDomainInfo i;
  int state = -1, reason = -1, autostart = -1;
  report("  get info", virDomainGetInfo(d, &i));
  printf("  state %d maxMem %lu memory %lu vcpus %u\n", i.state, i.maxMem, i.memory,
         i.nrVirtCpu);
  report("  get state", virDomainGetState(d, &state, &reason, 0));
  printf("  state %d\n", state);
  report("  persistent", virDomainIsPersistent(d));
  report("  autostart", virDomainGetAutostart(d, &autostart));
  printf("  autostart %d\n", autostart);
}

int main(void) {
  if (freopen("/dev/null", "w", stderr) == NULL) return 1;
  virConnectPtr conn = virConnectOpen("test:///default");
  if (conn == NULL) return 1;
  virDomainPtr d = virDomainLookupByName(conn, "test");
  if (d == NULL) return 1;

  unsigned char uuid[VIR_UUID_BUFLEN];
  char text[VIR_UUID_STRING_BUFLEN];
  report("get uuid", virDomainGetUUID(d, uuid));
  virDomainPtr again = virDomainLookupByUUID(conn, uuid);
  virDomainGetUUIDString(again, text);
  printf("lookup by uuid: %s %s\n", again ? virDomainGetName(again) : "(null)", text);
  virDomainFree(again);
  memset(uuid, 0x42, sizeof uuid);
  report("lookup by unknown uuid", virDomainLookupByUUID(conn, uuid) ? 0 : -1);
  report("lookup by NULL uuid", virDomainLookupByUUID(conn, NULL) ? 0 : -1);
  report("get info NULL", virDomainGetInfo(d, NULL));
  report("get state NULL", virDomainGetState(d, NULL, NULL, 0));
  report("get autostart NULL", virDomainGetAutostart(d, NULL));
  info(d);

  const char *root[] = {"/"}, *both[] = {"/", "/boot"}, *nope[] = {"/boot", "/nope"};
  report("freeze all", virDomainFSFreeze(d, NULL, 0, 0));
  report("freeze all again", virDomainFSFreeze(d, NULL, 0, 0));
  report("thaw /", virDomainFSThaw(d, root, 1, 0));
  report("freeze / /boot", virDomainFSFreeze(d, both, 2, 0));
  report("thaw all", virDomainFSThaw(d, NULL, 0, 0));
  report("freeze /boot /nope", virDomainFSFreeze(d, nope, 2, 0));
  report("thaw after refusal", virDomainFSThaw(d, NULL, 0, 0));
  report("freeze NULL array", virDomainFSFreeze(d, NULL, 1, 0));
  report("freeze NULL domain", virDomainFSFreeze(NULL, NULL, 0, 0));

  /* Not compared: GetJobInfo itself (libvirt's test driver has no jobs; Cairn's runs backups). */
  report("job info NULL", virDomainGetJobInfo(d, NULL));

  virSecurityModel model;
  virSecurityLabel label;
  report("security model", virNodeGetSecurityModel(conn, &model));
  printf("  model '%s' doi '%s'\n", model.model, model.doi);
  report("security label", virDomainGetSecurityLabel(d, &label));
  printf("  label '%s' enforcing %d\n", label.label, label.enforcing);
  report("security model NULL", virNodeGetSecurityModel(conn, NULL));

  report("destroy", virDomainDestroy(d));
  info(d);
  report("freeze shut off", virDomainFSFreeze(d, NULL, 0, 0));
  report("security label shut off", virDomainGetSecurityLabel(d, &label));
  printf("  label '%s' enforcing %d\n", label.label, label.enforcing);
  report("create", virDomainCreate(d));
  report("thaw after restart", virDomainFSThaw(d, NULL, 0, 0));
  report("destroy flags 0", virDomainDestroyFlags(d, 0));
  report("create with flags 0", virDomainCreateWithFlags(d, 0));
  virDomainFree(d);

  virDomainPtr other = virDomainDefineXML(
      conn, "<domain type='test'><name>other</name><memory>8192</memory>"
            "<os><type>hvm</type></os></domain>");
  printf("define: %s\n", other ? virDomainGetName(other) : "(null)");
  if (other != NULL) {
    info(other);
    report("undefine", virDomainUndefine(other));
    report("lookup undefined", virDomainLookupByName(conn, "other") ? 0 : -1);
    virDomainFree(other);
  }
  report("define NULL", virDomainDefineXML(conn, NULL) ? 0 : -1);
  virConnectClose(conn);

  conn = virConnectOpenReadOnly("test:///default");
  if (conn == NULL) return 1;
  d = virDomainLookupByName(conn, "test");
  report("read-only freeze", virDomainFSFreeze(d, NULL, 0, 0));
  report("read-only freeze NULL array", virDomainFSFreeze(d, NULL, 1, 0));
  report("read-only thaw", virDomainFSThaw(d, NULL, 0, 0));
  report("read-only destroy", virDomainDestroy(d));
  report("read-only state", virDomainIsPersistent(d));
  virDomainFree(d);
  virConnectClose(conn);
  return 0;
}
