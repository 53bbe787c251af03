/* A checkpoint program as one is written for libvirt, never edited for Cairn: it includes
 * <libvirt/libvirt.h> and <libvirt/virterror.h>, checks the API level at compile time,
 * installs its own error handler, makes a small checkpoint tree on test:///default, walks
 * it, looks up a checkpoint that is not there, deletes the tree and says what it saw.
 * drop_in_via_pkg_config.sh builds it with `pkg-config cairn-virt` and with
 * `pkg-config libvirt`, and requires the same output from both. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>

#if !LIBVIR_CHECK_VERSION(5, 6, 0)
#error "checkpoints need libvirt 5.6.0"
#endif

static int errors_seen = 0;

static void CountError(void *opaque, virErrorPtr err) {
  (void)opaque;
  errors_seen++;
  printf("error handler: code %d\n", err->code);
}

static virDomainCheckpointPtr Make(virDomainPtr dom, const char *name) {
  char xml[256];
  snprintf(xml, sizeof(xml), "<domaincheckpoint><name>%s</name></domaincheckpoint>", name);
  return virDomainCheckpointCreateXML(dom, xml, 0);
}

int main(void) {
  virDomainCheckpointPtr *list = NULL;
  virDomainCheckpointPtr c1, c2, parent, missing;
  unsigned long version = 0;
  int n, i;

  virSetErrorFunc(NULL, CountError);
  virConnectPtr conn = virConnectOpen("test:///default");
  if (conn == NULL) return 2;
  if (virConnectGetLibVersion(conn, &version) < 0 || version < 5006000) return 3;
  virDomainPtr dom = virDomainLookupByName(conn, "test");
  if (dom == NULL) return 4;

  c1 = Make(dom, "c1");
  c2 = Make(dom, "c2");
  if (c1 == NULL || c2 == NULL) return 5;
  parent = virDomainCheckpointGetParent(c2, 0);
  printf("c2's parent: %s\n", parent != NULL ? virDomainCheckpointGetName(parent) : "(none)");
  if (parent != NULL) virDomainCheckpointFree(parent);

  n = virDomainListAllCheckpoints(dom, &list, VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL);
  printf("%d checkpoints:", n);
  for (i = 0; i < n; i++) {
    printf(" %s", virDomainCheckpointGetName(list[i]));
    virDomainCheckpointFree(list[i]);
  }
  printf("\n");
  free(list);

  missing = virDomainCheckpointLookupByName(dom, "nosuch", 0);
  printf("nosuch: %s, last error code %d (%s)\n", missing != NULL ? "found" : "not found",
         virGetLastErrorCode(),
         virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_CHECKPOINT ? "VIR_ERR_NO_DOMAIN_CHECKPOINT"
                                                               : "another code");

  printf("delete c1 and children: %d\n",
         virDomainCheckpointDelete(c1, VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN));
  printf("left: %d\n", virDomainListAllCheckpoints(dom, NULL, 0));
  printf("errors seen by the handler: %d\n", errors_seen);

  virDomainCheckpointFree(c2);
  virDomainCheckpointFree(c1);
  virDomainFree(dom);
  virConnectClose(conn);
  return 0;
}
