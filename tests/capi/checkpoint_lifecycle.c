/* Every virDomainCheckpoint* function on test:///default, the way a libvirt program calls
 * them. Written against libvirt's API: only the include line differs. */
#include <cairn/virt.h>
#include <stdlib.h>

#include "capi_check.h"

static virDomainCheckpointPtr create(virDomainPtr dom, const char *name) {
  char xml[256];
  snprintf(xml, sizeof(xml), "<domaincheckpoint><name>%s</name></domaincheckpoint>", name);
  virDomainCheckpointPtr cp = virDomainCheckpointCreateXML(dom, xml, 0);
  CHECK(cp != NULL);
  return cp;
}

int main(void) {
  virConnectPtr conn = virConnectOpen("test:///default");
  CHECK(conn != NULL);
  CHECK(strcmp(virConnectGetType(conn), "TEST") == 0);
  char *uri = virConnectGetURI(conn);
  CHECK(uri != NULL && strcmp(uri, "test:///default") == 0);
  free(uri);

  virDomainPtr dom = virDomainLookupByName(conn, "test");
  CHECK(dom != NULL);
  CHECK(strcmp(virDomainGetName(dom), "test") == 0);
  CHECK(virDomainGetID(dom) == 1);
  char uuid[37];
  CHECK(virDomainGetUUIDString(dom, uuid) == 0);
  CHECK(strcmp(uuid, "6695eb01-f6a4-8304-79aa-97f2502e193f") == 0);
  CHECK(virDomainGetConnect(dom) == conn);
  CHECK(virDomainIsActive(dom) == 1);

  virDomainCheckpointPtr c1 = create(dom, "c1");
  virDomainCheckpointPtr c2 = create(dom, "c2");
  virDomainCheckpointPtr c3 = create(dom, "c3");

  /* Name, domain and connection come from the handle. */
  CHECK(strcmp(virDomainCheckpointGetName(c1), "c1") == 0);
  CHECK(virDomainCheckpointGetDomain(c1) == dom);
  CHECK(virDomainCheckpointGetConnect(c1) == conn);

  /* XML: the caller frees it. */
  char *xml = virDomainCheckpointGetXMLDesc(c2, VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN);
  CHECK(xml != NULL && strstr(xml, "<parent>\n    <name>c1</name>") != NULL);
  free(xml);
  /* SIZE on the test driver: accepted, adds nothing (libvirt 9.0). */
  xml = virDomainCheckpointGetXMLDesc(c2, VIR_DOMAIN_CHECKPOINT_XML_SIZE);
  CHECK(xml != NULL && strstr(xml, "size=") == NULL);
  free(xml);

  /* Listing: count returned, array NULL-terminated, NULL list means count only. */
  virDomainCheckpointPtr *list = NULL;
  int n = virDomainListAllCheckpoints(dom, &list, VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL);
  CHECK(n == 3);
  CHECK(list != NULL && list[3] == NULL);
  if (list) {
    CHECK(strcmp(virDomainCheckpointGetName(list[0]), "c1") == 0);
    CHECK(strcmp(virDomainCheckpointGetName(list[2]), "c3") == 0);
    for (int i = 0; i < n; i++) CHECK(virDomainCheckpointFree(list[i]) == 0);
    free(list);
  }
  CHECK(virDomainListAllCheckpoints(dom, NULL, VIR_DOMAIN_CHECKPOINT_LIST_ROOTS) == 1);
  CHECK(virDomainListAllCheckpoints(dom, NULL, VIR_DOMAIN_CHECKPOINT_LIST_LEAVES) == 1);
  CHECK(virDomainListAllCheckpoints(dom, NULL, VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES) == 2);

  virDomainCheckpointPtr *children = NULL;
  CHECK(virDomainCheckpointListAllChildren(c1, &children, 0) == 1);
  if (children) {
    CHECK(strcmp(virDomainCheckpointGetName(children[0]), "c2") == 0 && children[1] == NULL);
    virDomainCheckpointFree(children[0]);
    free(children);
  }
  CHECK(virDomainCheckpointListAllChildren(c1, NULL, VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS) == 2);

  /* Lookup and parent. */
  virDomainCheckpointPtr found = virDomainCheckpointLookupByName(dom, "c3", 0);
  CHECK(found != NULL);
  virDomainCheckpointPtr parent = virDomainCheckpointGetParent(found, 0);
  CHECK(parent != NULL && strcmp(virDomainCheckpointGetName(parent), "c2") == 0);

  /* Ref/Free: two references, two frees. */
  CHECK(virDomainCheckpointRef(found) == 0);
  CHECK(virDomainCheckpointFree(found) == 0);
  CHECK(strcmp(virDomainCheckpointGetName(found), "c3") == 0);
  CHECK(virDomainCheckpointFree(found) == 0);

  /* Delete re-parents: c3's parent becomes c1. */
  CHECK(virDomainCheckpointDelete(c2, 0) == 0);
  virDomainCheckpointPtr p3 = virDomainCheckpointGetParent(c3, 0);
  CHECK(p3 != NULL && strcmp(virDomainCheckpointGetName(p3), "c1") == 0);
  CHECK(virDomainCheckpointDelete(c1, VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN) == 0);
  CHECK(virDomainListAllCheckpoints(dom, NULL, 0) == 0);

  virDomainCheckpointFree(p3);
  virDomainCheckpointFree(parent);
  virDomainCheckpointFree(c3);
  virDomainCheckpointFree(c2);
  virDomainCheckpointFree(c1);

  /* A handle keeps its connection alive: closing reports the references still held. */
  virDomainCheckpointPtr keep = create(dom, "keep");
  CHECK(virDomainFree(dom) == 0);
  CHECK(virConnectClose(conn) > 0);
  CHECK(strcmp(virDomainCheckpointGetName(keep), "keep") == 0);
  xml = virDomainCheckpointGetXMLDesc(keep, 0);
  CHECK(xml != NULL);
  free(xml);
  CHECK(virDomainCheckpointFree(keep) == 0);

  virResetLastError();
  CHECK(virGetLastError() == NULL);
  CHECK(strcmp(virGetLastErrorMessage(), "no error") == 0);
  CHECK_DONE();
}
