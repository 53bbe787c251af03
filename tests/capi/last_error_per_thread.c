/* Errors belong to the thread that raised them: a failure on one thread leaves another
 * thread's last error alone, and the handler runs on the failing thread; a connection's
 * last error is shared by every thread using it. */
#include <cairn/virt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "capi_check.h"

static pthread_t handler_thread;
static int handler_calls = 0;

static void Record(void *opaque, virErrorPtr err) {
  (void)opaque;
  (void)err;
  handler_thread = pthread_self();
  handler_calls++;
}

static void *FailOnce(void *arg) {
  virConnectPtr conn = arg;
  int *seen = calloc(1, sizeof(int));
  virConnectGetLibVersion(conn, NULL);
  *seen = virGetLastErrorCode();
  return seen;
}

int main(void) {
  pthread_t t;
  void *seen = NULL;
  virSetErrorFunc(NULL, Record);
  virConnectPtr conn = virConnectOpen("test:///default");
  CHECK(conn != NULL);

  CHECK(pthread_create(&t, NULL, FailOnce, conn) == 0);
  CHECK(pthread_join(t, &seen) == 0);
  CHECK(seen != NULL && *(int *)seen == VIR_ERR_INVALID_ARG);
  free(seen);
  CHECK(handler_calls == 1);
  CHECK(pthread_equal(handler_thread, t));
  CHECK(virGetLastError() == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_OK);
  virErrorPtr shared = virConnGetLastError(conn);
  CHECK(shared != NULL && shared->code == VIR_ERR_INVALID_ARG);

  virConnectClose(conn);
  CHECK_DONE();
}
