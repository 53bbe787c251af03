/* Every refusal of the checkpoint API on test:///default, as code / domain / message:
 * NULL arguments, flag rules, unknown flag bits (refused by the driver), lookups that find
 * nothing, XML that is not well formed or has the wrong root. libvirt's default error
 * handler prints to stderr; stderr goes to /dev/null so only the printed fields compare. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>

static void Show(const char *what, int failed) {
  virErrorPtr e = virGetLastError();
  if (!failed) {
    printf("%s: ok\n", what);
  } else if (!e) {
    printf("%s: failed without error\n", what);
  } else {
    printf("%s: code=%d domain=%d message=%s\n", what, e->code, e->domain,
           e->message ? e->message : "(null)");
  }
  virResetLastError();
}

int main(void) {
  virConnectPtr conn;
  virDomainPtr dom;
  virDomainCheckpointPtr c1, c2;
  virDomainCheckpointPtr *list = NULL;
  if (!freopen("/dev/null", "w", stderr)) return 2;
  conn = virConnectOpen("test:///default");
  if (!conn) return 1;
  dom = virDomainLookupByName(conn, "test");
  if (!dom) return 1;

  Show("lookup domain nosuch", virDomainLookupByName(conn, "nosuch") == NULL);
  Show("lookup domain NULL", virDomainLookupByName(conn, NULL) == NULL);

  Show("create NULL xml", virDomainCheckpointCreateXML(dom, NULL, 0) == NULL);
  Show("create NULL domain",
       virDomainCheckpointCreateXML(NULL, "<domaincheckpoint/>", 0) == NULL);
  Show("create flag 0x8",
       virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>", 0x8) == NULL);
  Show("create flag 0x100",
       virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>", 0x100) == NULL);
  Show("create redefine+quiesce",
       virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>",
                                    VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE |
                                        VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE) == NULL);
  Show("create validate alone",
       virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>",
                                    VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE) == NULL);
  Show("create redefine+validate",
       virDomainCheckpointCreateXML(
           dom, "<domaincheckpoint><name>v</name></domaincheckpoint>",
           VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE |
               VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE) == NULL);
  Show("create not well formed",
       virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>x</name>", 0) == NULL);
  Show("create empty xml", virDomainCheckpointCreateXML(dom, "", 0) == NULL);
  Show("create wrong root",
       virDomainCheckpointCreateXML(dom, "<domainsnapshot><name>s</name></domainsnapshot>", 0) ==
           NULL);
  Show("create redefine without name",
       virDomainCheckpointCreateXML(dom, "<domaincheckpoint/>",
                                    VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE) == NULL);
  Show("create redefine missing parent",
       virDomainCheckpointCreateXML(
           dom,
           "<domaincheckpoint><name>o</name><parent><name>nosuch</name></parent>"
           "</domaincheckpoint>",
           VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE) == NULL);

  c1 = virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>c1</name></domaincheckpoint>",
                                    0);
  Show("create c1", c1 == NULL);
  Show("create c1 again",
       virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>c1</name></domaincheckpoint>",
                                    0) == NULL);
  c2 = virDomainCheckpointCreateXML(dom, "<domaincheckpoint><name>c2</name></domaincheckpoint>",
                                    0);
  Show("create c2", c2 == NULL);
  if (!c1 || !c2) return 1;

  Show("lookup checkpoint nosuch", virDomainCheckpointLookupByName(dom, "nosuch", 0) == NULL);
  Show("lookup checkpoint NULL", virDomainCheckpointLookupByName(dom, NULL, 0) == NULL);
  Show("lookup checkpoint flag 0x1", virDomainCheckpointLookupByName(dom, "c1", 1) == NULL);
  Show("lookup checkpoint NULL domain",
       virDomainCheckpointLookupByName(NULL, "c1", 0) == NULL);
  Show("parent of root", virDomainCheckpointGetParent(c1, 0) == NULL);
  Show("parent flag 0x1", virDomainCheckpointGetParent(c2, 1) == NULL);
  Show("parent NULL", virDomainCheckpointGetParent(NULL, 0) == NULL);
  Show("xml flag 0x8", virDomainCheckpointGetXMLDesc(c1, 0x8) == NULL);
  Show("xml NULL", virDomainCheckpointGetXMLDesc(NULL, 0) == NULL);
  Show("list flag 0x100", virDomainListAllCheckpoints(dom, &list, 0x100) < 0);
  Show("list NULL domain", virDomainListAllCheckpoints(NULL, &list, 0) < 0);
  Show("children flag 0x100", virDomainCheckpointListAllChildren(c1, &list, 0x100) < 0);
  Show("delete children+children_only",
       virDomainCheckpointDelete(c1, VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN |
                                         VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY) < 0);
  Show("delete flag 0x8", virDomainCheckpointDelete(c1, 0x8) < 0);
  Show("delete NULL", virDomainCheckpointDelete(NULL, 0) < 0);
  Show("delete c2", virDomainCheckpointDelete(c2, 0) < 0);
  Show("xml of deleted c2", virDomainCheckpointGetXMLDesc(c2, 0) == NULL);
  Show("parent of deleted c2", virDomainCheckpointGetParent(c2, 0) == NULL);
  Show("delete deleted c2", virDomainCheckpointDelete(c2, 0) < 0);
  Show("children of deleted c2", virDomainCheckpointListAllChildren(c2, &list, 0) < 0);

  virDomainCheckpointFree(c1);
  virDomainCheckpointFree(c2);
  virDomainFree(dom);
  virConnectClose(conn);
  return 0;
}
