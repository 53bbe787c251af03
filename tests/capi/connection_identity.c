/* What virConnectGetType names for each of Cairn's drivers: libvirt's own driver names,
 * "TEST" and "QEMU"; both connections are alive, secure and unencrypted. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp under -std=c99 */
#include <cairn/virt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capi_check.h"

static void CheckOne(const char *uri, const char *type) {
  virConnectPtr conn = virConnectOpen(uri);
  CHECK(conn != NULL);
  if (conn == NULL) return;
  CHECK(strcmp(virConnectGetType(conn), type) == 0);
  CHECK(virConnectIsAlive(conn) == 1);
  CHECK(virConnectIsSecure(conn) == 1);
  CHECK(virConnectIsEncrypted(conn) == 0);
  virConnectClose(conn);
}

int main(void) {
  char root[] = "/tmp/cairn-capi-identity-XXXXXX";
  char uri[128];
  CHECK(mkdtemp(root) != NULL);
  snprintf(uri, sizeof(uri), "qemu:///embed?root=%s", root);
  CheckOne("test:///default", "TEST");
  CheckOne(uri, "QEMU");
  char cmd[160];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
  CHECK(system(cmd) == 0);
  CHECK_DONE();
}
