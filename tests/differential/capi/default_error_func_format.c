/* virDefaultErrorFunc's layout, fed hand-made errors: each level, libvirt's name for the
 * error domains Cairn raises (and one it does not know), a message that ends in a newline,
 * an XML detail with a line number, an error naming its domain object (the deprecated
 * err->dom, which libvirt prints unless the code is VIR_ERR_INVALID_DOMAIN), and the errors
 * it must stay silent about. */
#define VIR_ENUM_SENTINELS /* the enums' *_LAST values, as libvirt's own tools use them */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <string.h>

static void Print(int code, int domain, virErrorLevel level, const char *message, int int1) {
  virError err;
  memset(&err, 0, sizeof(err));
  err.code = code;
  err.domain = domain;
  err.level = level;
  err.message = (char *)message;
  err.int1 = int1;
  virDefaultErrorFunc(&err);
}

/* err->dom is deprecated in both headers; a program that still sets it silences the warning
 * as here. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void PrintWithDomain(int code, virDomainPtr dom, const char *message) {
  virError err;
  memset(&err, 0, sizeof(err));
  err.code = code;
  err.domain = VIR_FROM_TEST;
  err.level = VIR_ERR_ERROR;
  err.message = (char *)message;
  err.dom = dom;
  virDefaultErrorFunc(&err);
}

int main(void) {
  static const int kDomains[] = {VIR_FROM_NONE,
                                 VIR_FROM_XML,
                                 VIR_FROM_DOM,
                                 VIR_FROM_RPC,
                                 VIR_FROM_CONF,
                                 VIR_FROM_QEMU,
                                 VIR_FROM_TEST,
                                 VIR_FROM_STORAGE,
                                 VIR_FROM_DOMAIN,
                                 VIR_FROM_SECURITY,
                                 VIR_FROM_EVENT,
                                 VIR_FROM_URI,
                                 VIR_FROM_DOMAIN_CHECKPOINT,
                                 VIR_FROM_CH,
                                 999,
                                 -1};
  size_t i;
  for (i = 0; i < sizeof(kDomains) / sizeof(kDomains[0]); i++) {
    Print(VIR_ERR_OPERATION_FAILED, kDomains[i], VIR_ERR_ERROR, "operation failed: x", 0);
  }
  Print(VIR_ERR_OPERATION_FAILED, VIR_FROM_TEST, VIR_ERR_WARNING, "a warning", 0);
  Print(VIR_ERR_OPERATION_FAILED, VIR_FROM_TEST, VIR_ERR_NONE, "no level", 0);
  Print(VIR_ERR_OPERATION_FAILED, VIR_FROM_TEST, VIR_ERR_ERROR, "ends in a newline\n", 0);
  Print(VIR_ERR_OPERATION_FAILED, VIR_FROM_TEST, VIR_ERR_ERROR, "", 0);
  Print(VIR_ERR_XML_DETAIL, VIR_FROM_XML, VIR_ERR_ERROR, "bad element\n", 7);
  Print(VIR_ERR_XML_DETAIL, VIR_FROM_XML, VIR_ERR_ERROR, "no line", 0);
  Print(VIR_ERR_OK, VIR_FROM_TEST, VIR_ERR_ERROR, "code OK: silent", 0);

  virConnectPtr conn = virConnectOpen("test:///default");
  virDomainPtr dom = conn != NULL ? virDomainLookupByName(conn, "test") : NULL;
  if (dom == NULL) return 2;
  PrintWithDomain(VIR_ERR_OPERATION_FAILED, dom, "names its domain");
  PrintWithDomain(VIR_ERR_INVALID_DOMAIN, dom, "an invalid domain is not named");
  virDomainFree(dom);
  virConnectClose(conn);
  virDefaultErrorFunc(NULL);
  fflush(stderr);
  printf("VIR_ERR_DOMAIN_LAST %d VIR_ERR_NUMBER_LAST %d\n", VIR_ERR_DOMAIN_LAST,
         VIR_ERR_NUMBER_LAST);
  return 0;
}
