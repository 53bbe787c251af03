/* Cairn's C API as a libvirt program would use it over a daemon: registers the job-completed
 * callback for DOMAIN on URI (a remote connection: cairnd or libvirtd), begins the push
 * backup of BACKUP_XML_FILE, runs the default event loop until the daemon's pushed event
 * arrives, and prints what it carried. Exit 0 only if exactly one event came, for DOMAIN,
 * a successful backup.
 *
 * usage: job_event_client URI DOMAIN BACKUP_XML_FILE */
#include <cairn/virt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct heard {
  int events;
  int success;
  int operation;
  const char *domain;
  int right_domain;
};

static void on_job_completed(virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params,
                             int nparams, void *opaque) {
  struct heard *h = opaque;
  (void)conn;
  h->right_domain = strcmp(virDomainGetName(dom), h->domain) == 0;
  virTypedParamsGetBoolean(params, nparams, VIR_DOMAIN_JOB_SUCCESS, &h->success);
  virTypedParamsGetInt(params, nparams, VIR_DOMAIN_JOB_OPERATION, &h->operation);
  h->events++;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return NULL;
  static char buf[8192];
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = 0;
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: job_event_client URI DOMAIN BACKUP_XML_FILE\n");
    return 2;
  }
  char *xml = slurp(argv[3]);
  if (xml == NULL || virEventRegisterDefaultImpl() != 0) return 1;
  virConnectPtr conn = virConnectOpen(argv[1]);
  virDomainPtr dom = conn ? virDomainLookupByName(conn, argv[2]) : NULL;
  if (dom == NULL) {
    fprintf(stderr, "cannot open %s / %s: %s\n", argv[1], argv[2], virGetLastErrorMessage());
    return 1;
  }
  struct heard h = {0, 0, 0, argv[2], 0};
  int id = virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                            VIR_DOMAIN_EVENT_CALLBACK(on_job_completed), &h,
                                            NULL);
  if (id < 0 || virDomainBackupBegin(dom, xml, NULL, 0) != 0) {
    fprintf(stderr, "register / begin failed: %s\n", virGetLastErrorMessage());
    return 1;
  }
  for (int i = 0; i < 120 && h.events == 0; i++) virEventRunDefaultImpl();
  printf("events=%d domain=%s success=%d operation=%d\n", h.events,
         h.right_domain ? argv[2] : "?", h.success, h.operation);
  virConnectDomainEventDeregisterAny(conn, id);
  virDomainFree(dom);
  virConnectClose(conn);
  return h.events == 1 && h.right_domain && h.success == 1 && h.operation == 9 ? 0 : 1;
}
