/* Who hears an error: a global handler (virSetErrorFunc) instead of stderr; a connection's
 * handler (virConnSetErrorFunc) over the global one for calls on that connection and its
 * domains, but not for calls that never got a valid connection; a NULL connection handler
 * hands errors back to the global one; a NULL global handler restores stderr. Each handler
 * prints which it is, the user data it got, and the error's code and domain. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>

static void Handler(void *opaque, virErrorPtr err) {
  printf("  handler %s: code %d domain %d level %d, same as last error: %s\n", (const char *)opaque,
         err->code, err->domain, err->level, err == virGetLastError() ? "yes" : "no");
}

static void Fail(const char *what, virConnectPtr conn, virDomainPtr dom) {
  printf("%s\n", what);
  fflush(stdout);
  if (dom != NULL) {
    virDomainGetUUIDString(dom, NULL); /* reported through dom's connection */
  } else if (conn != NULL) {
    virConnectGetLibVersion(conn, NULL); /* reported through conn */
  } else {
    virConnectGetLibVersion(NULL, NULL); /* no connection to report through */
  }
  fflush(stderr);
  fflush(stdout);
}

int main(void) {
  virConnectPtr conn = virConnectOpen("test:///default");
  virConnectPtr other = virConnectOpen("test:///default");
  if (conn == NULL || other == NULL) return 2;
  virDomainPtr dom = virDomainLookupByName(conn, "test");
  if (dom == NULL) return 2;

  Fail("default, conn", conn, NULL);
  virSetErrorFunc((void *)"global", Handler);
  Fail("global, conn", conn, NULL);
  Fail("global, no connection", NULL, NULL);
  virConnSetErrorFunc(conn, (void *)"conn", Handler);
  Fail("conn handler, conn", conn, NULL);
  Fail("conn handler, domain of conn", NULL, dom);
  Fail("conn handler, other connection", other, NULL);
  Fail("conn handler, no connection", NULL, NULL);
  virSetErrorFunc(NULL, NULL);
  Fail("conn handler without global, conn", conn, NULL);
  Fail("conn handler without global, other connection", other, NULL);
  virConnSetErrorFunc(conn, NULL, NULL);
  Fail("no handler at all, conn", conn, NULL);
  virSetErrorFunc((void *)"global again", Handler);
  Fail("global again, domain of conn", NULL, dom);
  virConnSetErrorFunc(NULL, (void *)"ignored", Handler);
  Fail("after virConnSetErrorFunc(NULL), no connection", NULL, NULL);

  virDomainFree(dom);
  virConnectClose(other);
  virConnectClose(conn);
  return 0;
}
