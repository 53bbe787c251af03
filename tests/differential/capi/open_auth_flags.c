/* virConnectOpenAuth as libvirt programs call it: with virConnectAuthPtrDefault, read-write
 * and with VIR_CONNECT_RO (a change is then refused), and with a flag the driver does not
 * honour (refused). Codes are compared, not messages: libvirt's test driver names its own
 * open function in the refusal. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>

static void Quiet(void *opaque, virErrorPtr err) {
  (void)opaque;
  (void)err;
}

int main(void) {
  char *uri;
  virDomainCheckpointPtr cp;
  virSetErrorFunc(NULL, Quiet);
  printf("virConnectAuthPtrDefault given: %s\n", virConnectAuthPtrDefault ? "yes" : "no");

  virConnectPtr rw = virConnectOpenAuth("test:///default", virConnectAuthPtrDefault, 0);
  uri = virConnectGetURI(rw);
  printf("read-write: %s\n", uri != NULL ? uri : "(NULL)");
  free(uri);
  virConnectClose(rw);

  virConnectPtr ro = virConnectOpenAuth("test:///default", NULL, VIR_CONNECT_RO);
  printf("read-only opened: %s\n", ro != NULL ? "yes" : "no");
  virDomainPtr dom = virDomainLookupByName(ro, "test");
  cp = virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>c</name></domaincheckpoint>", 0);
  printf("checkpoint on read-only: %s, code %d\n", cp != NULL ? "made" : "refused",
         virGetLastErrorCode());
  if (cp != NULL) virDomainCheckpointFree(cp);
  virDomainFree(dom);
  virConnectClose(ro);

  virConnectPtr bad = virConnectOpenAuth("test:///default", NULL, VIR_CONNECT_NO_ALIASES);
  printf("VIR_CONNECT_NO_ALIASES: %s, code %d\n", bad != NULL ? "opened" : "refused",
         virGetLastErrorCode());
  bad = virConnectOpenAuth("test:///default", NULL, 1u << 5);
  printf("flag 1<<5: %s, code %d\n", bad != NULL ? "opened" : "refused", virGetLastErrorCode());
  return 0;
}
