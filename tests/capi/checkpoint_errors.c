/* The error paths of the C API: NULL handles and arguments, read-only connections,
 * flag rules, missing objects. Each failure returns NULL or -1 and sets the thread's
 * last error to libvirt's code and message. */
#include <cairn/virt.h>
#include <stdlib.h>

#include "capi_check.h"

int main(void) {
  /* Invalid handles. */
  CHECK(virDomainCheckpointGetName(NULL) == NULL);
  CHECK_ERROR(VIR_ERR_INVALID_DOMAIN_CHECKPOINT,
              "Invalid domain checkpoint: virDomainCheckpointGetName");
  CHECK(virGetLastError()->domain == VIR_FROM_DOMAIN_CHECKPOINT);
  CHECK(virDomainCheckpointFree(NULL) == -1);
  CHECK(virDomainCheckpointRef(NULL) == -1);
  CHECK(virDomainCheckpointGetDomain(NULL) == NULL);
  CHECK(virDomainCheckpointGetConnect(NULL) == NULL);
  CHECK(virDomainCheckpointGetXMLDesc(NULL, 0) == NULL);
  CHECK(virDomainCheckpointGetParent(NULL, 0) == NULL);
  CHECK(virDomainCheckpointDelete(NULL, 0) == -1);
  virDomainCheckpointPtr *list = (virDomainCheckpointPtr *)1;
  CHECK(virDomainCheckpointListAllChildren(NULL, &list, 0) == -1 && list == NULL);
  CHECK(virDomainCheckpointCreateXML(NULL, "<domaincheckpoint/>", 0) == NULL);
  CHECK_ERROR(VIR_ERR_INVALID_DOMAIN, "invalid domain pointer in virDomainCheckpointCreateXML");
  list = (virDomainCheckpointPtr *)1;
  CHECK(virDomainListAllCheckpoints(NULL, &list, 0) == -1 && list == NULL);
  CHECK(virDomainCheckpointLookupByName(NULL, "x", 0) == NULL);
  CHECK(virDomainGetName(NULL) == NULL);
  CHECK(virDomainFree(NULL) == -1);
  CHECK(virConnectClose(NULL) == -1);
  CHECK_ERROR(VIR_ERR_INVALID_CONN, "invalid connection pointer in virConnectClose");

  /* Opening. */
  CHECK(virConnectOpen("nosuch:///x") == NULL);
  CHECK_ERROR(VIR_ERR_NO_CONNECT, "no connection driver available for nosuch:///x");
  CHECK(virConnectOpen("test:///elsewhere") == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_OPERATION_UNSUPPORTED);

  virConnectPtr conn = virConnectOpen("test:///default");
  CHECK(conn != NULL);
  CHECK(virDomainLookupByName(conn, "nosuch") == NULL);
  CHECK_ERROR(VIR_ERR_NO_DOMAIN, "Domain not found");  /* libvirt 9.0: no detail */
  CHECK(virDomainLookupByName(conn, NULL) == NULL);
  CHECK_ERROR(VIR_ERR_INVALID_ARG, "name in virDomainLookupByName must not be NULL");
  virDomainPtr dom = virDomainLookupByName(conn, "test");
  CHECK(dom != NULL);

  /* Create: NULL XML, flag rules, schema, duplicates. */
  CHECK(virDomainCheckpointCreateXML(dom, NULL, 0) == NULL);
  CHECK_ERROR(VIR_ERR_INVALID_ARG,
              "xmlDesc in virDomainCheckpointCreateXML must not be NULL");
  CHECK(virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>",
                                     VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE |
                                         VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE) == NULL);
  CHECK_ERROR(VIR_ERR_INVALID_ARG,
              "Flags 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE' and "
              "'VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE' are mutually exclusive");
  CHECK(virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>",
                                     VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE) == NULL);
  CHECK_ERROR(VIR_ERR_INVALID_ARG,
              "Flag 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE' is required by "
              "flag 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE'");
  CHECK(virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>../x</name></domaincheckpoint>",
                                     0) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_XML_INVALID_SCHEMA);
  CHECK(virDomainCheckpointCreateXML(dom, "<domaincheckpoint>", 0) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_XML_DETAIL);
  virDomainCheckpointPtr c1 =
      virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>c1</name></domaincheckpoint>", 0);
  CHECK(c1 != NULL);
  CHECK(virGetLastError() == NULL); /* success resets the last error */
  CHECK(virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>c1</name></domaincheckpoint>",
                                     0) == NULL);
  CHECK_ERROR(VIR_ERR_OPERATION_FAILED, "operation failed: domain moment c1 already exists");

  /* Lookup, parent, flags that must be 0. */
  CHECK(virDomainCheckpointLookupByName(dom, "nope", 0) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_CHECKPOINT);
  CHECK(virDomainCheckpointLookupByName(dom, NULL, 0) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_INVALID_ARG);
  CHECK(virDomainCheckpointLookupByName(dom, "c1", 1) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_INVALID_ARG);
  CHECK(virDomainCheckpointGetParent(c1, 0) == NULL);
  CHECK_ERROR(VIR_ERR_NO_DOMAIN_CHECKPOINT,
              "Domain checkpoint not found: checkpoint 'c1' does not have a parent");
  CHECK(virDomainCheckpointGetParent(c1, 1) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_INVALID_ARG);

  /* Delete: exclusive flags, unknown bits; nothing is deleted on error. */
  CHECK(virDomainCheckpointDelete(c1, VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN |
                                          VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY) == -1);
  CHECK(virGetLastErrorCode() == VIR_ERR_INVALID_ARG);
  CHECK(virDomainCheckpointDelete(c1, 1u << 9) == -1);
  CHECK(virGetLastErrorCode() == VIR_ERR_INVALID_ARG);
  CHECK(virDomainListAllCheckpoints(dom, NULL, 1u << 9) == -1);
  CHECK(virDomainListAllCheckpoints(dom, NULL, 0) == 1);

  /* A handle on a deleted checkpoint. */
  CHECK(virDomainCheckpointDelete(c1, 0) == 0);
  CHECK(virDomainCheckpointGetXMLDesc(c1, 0) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_CHECKPOINT);
  CHECK(virDomainCheckpointDelete(c1, 0) == -1);
  virDomainCheckpointFree(c1);

  /* Read-only: create refused, SECURE domain XML refused. */
  virConnectPtr ro = virConnectOpenReadOnly("test:///default");
  CHECK(ro != NULL);
  virDomainPtr rodom = virDomainLookupByName(ro, "test");
  CHECK(virDomainCheckpointCreateXML(rodom, "<domaincheckpoint/>", 0) == NULL);
  CHECK_ERROR(VIR_ERR_OPERATION_DENIED,
              "operation forbidden: read only access prevents virDomainCheckpointCreateXML");
  CHECK(virDomainGetXMLDesc(rodom, VIR_DOMAIN_XML_SECURE) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_OPERATION_DENIED);
  char *xml = virDomainGetXMLDesc(rodom, 0);
  CHECK(xml != NULL && strstr(xml, "<domain type='test' id='1'>") == xml);
  free(xml);
  virDomainFree(rodom);
  CHECK(virConnectClose(ro) == 0);

  virDomainFree(dom);
  CHECK(virConnectClose(conn) == 0);
  CHECK_DONE();
}
