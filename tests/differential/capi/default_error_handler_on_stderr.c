/* With no handler installed, every failing call prints its error on stderr through libvirt's
 * default handler, once, from the domain the entry point reports it from: a NULL connection,
 * domain or checkpoint handle, a NULL out-argument, virGetVersion's unexplained failure.
 * Driver errors are left out: their wording belongs to the drivers, not to this machinery. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>

static void Step(const char *what, int ret) {
  fflush(stderr);
  printf("%s -> %d, code %d domain %d\n", what, ret, virGetLastErrorCode(),
         virGetLastErrorDomain());
  fflush(stdout);
}

int main(void) {
  unsigned long ver = 0;
  char *uri;
  virConnectPtr conn = virConnectOpen("test:///default");
  if (conn == NULL) return 2;
  virDomainPtr dom = virDomainLookupByName(conn, "test");
  if (dom == NULL) return 2;

  Step("virConnectClose(NULL)", virConnectClose(NULL));
  Step("virConnectRef(NULL)", virConnectRef(NULL));
  Step("virConnectGetType(NULL)", virConnectGetType(NULL) != NULL);
  Step("virConnectGetURI(NULL)", virConnectGetURI(NULL) != NULL);
  Step("virConnectGetLibVersion(NULL, &ver)", virConnectGetLibVersion(NULL, &ver));
  Step("virConnectGetLibVersion(conn, NULL)", virConnectGetLibVersion(conn, NULL));
  Step("virGetVersion(NULL, NULL, NULL)", virGetVersion(NULL, NULL, NULL));
  Step("virConnectListAllDomains(NULL)", virConnectListAllDomains(NULL, NULL, 0));
  Step("virDomainLookupByName(NULL)", virDomainLookupByName(NULL, "test") != NULL);
  Step("virDomainGetUUIDString(dom, NULL)", virDomainGetUUIDString(dom, NULL));
  Step("virDomainFree(NULL)", virDomainFree(NULL));
  Step("virDomainGetName(NULL)", virDomainGetName(NULL) != NULL);
  Step("virDomainCheckpointCreateXML(NULL)",
       virDomainCheckpointCreateXML(NULL, "<domaincheckpoint/>", 0) != NULL);
  Step("virDomainListAllCheckpoints(NULL)", virDomainListAllCheckpoints(NULL, NULL, 0));
  Step("virDomainCheckpointFree(NULL)", virDomainCheckpointFree(NULL));
  Step("virDomainCheckpointGetXMLDesc(NULL)", virDomainCheckpointGetXMLDesc(NULL, 0) != NULL);
  Step("virDomainBackupBegin(NULL)", virDomainBackupBegin(NULL, "<domainbackup/>", NULL, 0));
  Step("virDomainAbortJob(NULL)", virDomainAbortJob(NULL));
  Step("virConnectDomainEventDeregisterAny(NULL)", virConnectDomainEventDeregisterAny(NULL, 0));
  uri = virConnectGetURI(conn);
  Step("virConnectGetURI(conn), which succeeds and clears the last error", uri != NULL);
  free(uri);

  virDomainFree(dom);
  virConnectClose(conn);
  return 0;
}
