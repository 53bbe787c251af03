/* Library set-up (virInitialize), then what a connection says about itself: the driver name, URI,
 * host name, library versions (compile-time and run-time), liveness, security, encryption. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
  unsigned long lib = 0, type_ver = 0;
  char *uri, *host;
  int ret = virInitialize();
  printf("virInitialize -> %d\n", ret);
  virConnectPtr conn = virConnectOpen("test:///default");
  if (conn == NULL) return 2;
  printf("type %s\n", virConnectGetType(conn));
  uri = virConnectGetURI(conn);
  printf("uri %s\n", uri);
  free(uri);
  host = virConnectGetHostname(conn);
  printf("hostname %s\n", host != NULL ? host : "(NULL)");
  free(host);
  ret = virConnectGetLibVersion(conn, &lib);
  printf("virConnectGetLibVersion -> %d, %lu\n", ret, lib);
  ret = virGetVersion(&lib, NULL, NULL);
  printf("virGetVersion -> %d, %lu\n", ret, lib);
  ret = virGetVersion(&lib, "Test", &type_ver);
  printf("virGetVersion(Test) -> %d, %lu %lu\n", ret, lib, type_ver);
  printf("LIBVIR_VERSION_NUMBER %d, checkpoints (5.6.0) %s, 99.0.0 %s\n", LIBVIR_VERSION_NUMBER,
         LIBVIR_CHECK_VERSION(5, 6, 0) ? "yes" : "no",
         LIBVIR_CHECK_VERSION(99, 0, 0) ? "yes" : "no");
  printf("alive %d secure %d encrypted %d\n", virConnectIsAlive(conn), virConnectIsSecure(conn),
         virConnectIsEncrypted(conn));
  printf("last error after all that: %d\n", virGetLastErrorCode());
  virConnectClose(conn);
  return 0;
}
