/* A libvirt program, unchanged: open test:///default, look up a domain that is not there,
 * print the error's code, domain and message as the program sees them. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>

static void Quiet(void *opaque, virErrorPtr err) {
  (void)opaque;
  (void)err;
}

int main(void) {
  virSetErrorFunc(NULL, Quiet);
  virConnectPtr conn = virConnectOpen("test:///default");
  if (conn == NULL) return 2;
  virDomainPtr dom = virDomainLookupByName(conn, "test");
  printf("test found: %s\n", dom != NULL ? "yes" : "no");
  if (dom != NULL) virDomainFree(dom);
  virDomainPtr missing = virDomainLookupByName(conn, "nosuch");
  virErrorPtr err = virGetLastError();
  printf("nosuch found: %s\n", missing != NULL ? "yes" : "no");
  if (err != NULL) printf("code %d domain %d: %s\n", err->code, err->domain, err->message);
  virConnectClose(conn);
  return 0;
}
