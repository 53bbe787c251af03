/* The last error's life: none after a call that succeeds; set by a failing call and left alone by
 * later readers; copied (virCopyLastError, virSaveLastError) into storage the caller owns and frees
 * (virResetError, virFreeError); cleared by virResetLastError and by the next call that succeeds;
 * kept per connection (virConnGetLastError, virConnCopyLastError, virConnResetLastError). Errors
 * come from NULL arguments, whose wording is the C API's own. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *Str(const char *s) { return s != NULL ? s : "(null)"; }

static void Show(const char *what, virErrorPtr e) {
  if (e == NULL) {
    printf("%s: NULL\n", what);
    return;
  }
  printf(
      "%s: code %d domain %d level %d message '%s' str1 '%s' str2 '%s' str3 '%s' int1 %d "
      "int2 %d\n",
      what, e->code, e->domain, e->level, Str(e->message), Str(e->str1), Str(e->str2), Str(e->str3),
      e->int1, e->int2);
}

static void Last(const char *what) {
  Show(what, virGetLastError());
  printf("  code %d domain %d message '%s'\n", virGetLastErrorCode(), virGetLastErrorDomain(),
         virGetLastErrorMessage());
}

static void Quiet(void *opaque, virErrorPtr err) {
  (void)opaque;
  (void)err;
}

int main(void) {
  virError copy;
  virErrorPtr saved;
  char *uri;
  int ret;
  virSetErrorFunc(NULL, Quiet);
  /* No "before any call" check: libvirt's last error is garbage until the library is
   * initialised by a first call. */
  virConnectPtr conn = virConnectOpen("test:///default");
  if (conn == NULL) return 2;
  Last("after open");
  Show("conn's at start", virConnGetLastError(conn));

  virConnectGetLibVersion(conn, NULL);
  Last("after a NULL argument");
  Last("read twice");
  Show("conn's", virConnGetLastError(conn));

  memset(&copy, 0x5a, sizeof(copy)); /* garbage: virCopyLastError must not free it */
  ret = virCopyLastError(&copy);
  printf("virCopyLastError -> %d, message is a copy: %s\n", ret,
         copy.message != virGetLastError()->message ? "yes" : "no");
  Show("copy", &copy);
  virResetError(&copy);
  Show("copy after virResetError", &copy);
  printf("virCopyLastError(NULL) -> %d\n", virCopyLastError(NULL));

  saved = virSaveLastError();
  Show("saved", saved);
  virResetLastError();
  Last("after virResetLastError");
  Show("saved survives the reset", saved);
  virFreeError(saved);
  virResetError(NULL);
  virFreeError(NULL);

  saved = virSaveLastError();
  Show("saved with no error", saved);
  virFreeError(saved);
  memset(&copy, 0x5a, sizeof(copy));
  printf("virCopyLastError with no error -> %d\n", virCopyLastError(&copy));
  Show("that copy", &copy);

  virConnectGetURI(NULL);
  Last("after virConnectGetURI(NULL)");
  Show("conn's keeps the error raised through it", virConnGetLastError(conn));
  uri = virConnectGetURI(conn);
  free(uri);
  Last("after a call that succeeds");
  Show("conn's after a call that succeeds", virConnGetLastError(conn));

  ret = virConnCopyLastError(conn, &copy);
  printf("virConnCopyLastError -> %d\n", ret);
  Show("conn copy", &copy);
  virResetError(&copy);
  virConnResetLastError(conn);
  Show("conn's after virConnResetLastError", virConnGetLastError(conn));
  printf("virConnCopyLastError after reset -> %d\n", virConnCopyLastError(conn, &copy));
  printf("virConnGetLastError(NULL) is NULL: %s\n", virConnGetLastError(NULL) ? "no" : "yes");
  printf("virConnCopyLastError(NULL, &copy) -> %d\n", virConnCopyLastError(NULL, &copy));
  virConnResetLastError(NULL);

  virConnectClose(conn);
  return 0;
}
