/* A libvirt-style program backing up a real QEMU domain through the C API: the default event
 * loop and the job-completed callback, a push backup made with a checkpoint, its statistics
 * as typed parameters, then a pull backup incremental since that checkpoint, its XML, live
 * statistics and its end with virDomainAbortJob. The domain is defined and started with the
 * cairn tool ($CAIRN_CLI), since the C API here covers checkpoints and backups only. */
#define _POSIX_C_SOURCE 200809L
#include <cairn/virt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include "capi_check.h"

static char dir[] = "/tmp/cairn-capi-backup-XXXXXX";
static char uri[512];

static int sh(const char *fmt, ...) {
  char cmd[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof(cmd), fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  if (rc != 0) fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
  return rc;
}

struct heard {
  int events;
  int last_success;
  int last_operation;
  unsigned long long last_total;
  int freed;
};

static void on_job_completed(virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params,
                             int nparams, void *opaque) {
  struct heard *h = opaque;
  (void)conn;
  CHECK(strcmp(virDomainGetName(dom), "vm1") == 0);
  h->last_total = 0;
  CHECK(virTypedParamsGetBoolean(params, nparams, VIR_DOMAIN_JOB_SUCCESS, &h->last_success) == 1);
  CHECK(virTypedParamsGetInt(params, nparams, VIR_DOMAIN_JOB_OPERATION, &h->last_operation) == 1);
  virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_DISK_TOTAL, &h->last_total);
  h->events++;
}

static void on_free(void *opaque) { ((struct heard *)opaque)->freed++; }

static void wait_events(struct heard *h, int n) {
  for (int i = 0; i < 60 && h->events < n; i++) virEventRunDefaultImpl();
  CHECK(h->events == n);
}

int main(void) {
  const char *cli = getenv("CAIRN_CLI");
  if (cli == NULL || mkdtemp(dir) == NULL) {
    fprintf(stderr, "needs $CAIRN_CLI and a temporary directory\n");
    return 1;
  }
  snprintf(uri, sizeof(uri), "qemu:///embed?root=%s/root", dir);
  CHECK(sh("qemu-img create -q -f qcow2 %s/vda.qcow2 64M", dir) == 0);
  CHECK(sh("qemu-io -f qcow2 -c 'write -P 0xab 0 2M' %s/vda.qcow2 >/dev/null", dir) == 0);
  char path[600];
  snprintf(path, sizeof(path), "%s/vm1.xml", dir);
  FILE *f = fopen(path, "w");
  fprintf(f,
          "<domain type='qemu'><name>vm1</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>"
          "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
          "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
          "<source file='%s/vda.qcow2'/><target dev='vda' bus='virtio'/></disk>"
          "</devices></domain>",
          dir);
  fclose(f);
  CHECK(sh("%s -q -c '%s' define %s >/dev/null", cli, uri, path) == 0);
  CHECK(sh("%s -q -c '%s' start vm1 >/dev/null", cli, uri) == 0);

  CHECK(virEventRegisterDefaultImpl() == 0);
  virConnectPtr conn = virConnectOpen(uri);
  virDomainPtr dom = virDomainLookupByName(conn, "vm1");
  CHECK(dom != NULL);
  struct heard h = {0, 0, 0, 0, 0};
  int id = virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                            VIR_DOMAIN_EVENT_CALLBACK(on_job_completed), &h,
                                            on_free);
  CHECK(id >= 0);

  /* Push, full, with checkpoint c1 at the same instant. */
  char xml[2048];
  snprintf(xml, sizeof(xml),
           "<domainbackup><disks><disk name='vda' type='file'><driver type='qcow2'/>"
           "<target file='%s/vda.full'/></disk></disks></domainbackup>",
           dir);
  CHECK(virDomainBackupBegin(dom, xml, "<domaincheckpoint><name>c1</name></domaincheckpoint>",
                             0) == 0);
  wait_events(&h, 1);
  CHECK(h.last_success == 1 && h.last_operation == VIR_DOMAIN_JOB_OPERATION_BACKUP);
  CHECK(h.last_total == 64ull << 20);
  CHECK(sh("qemu-img compare -q -U %s/vda.qcow2 %s/vda.full", dir, dir) == 0);
  int type = -1, nparams = 0;
  virTypedParameterPtr params = NULL;
  CHECK(virDomainGetJobStats(dom, &type, &params, &nparams, VIR_DOMAIN_JOB_STATS_COMPLETED) == 0);
  CHECK(type == VIR_DOMAIN_JOB_COMPLETED);
  unsigned long long processed = 0;
  CHECK(virTypedParamsGetULLong(params, nparams, VIR_DOMAIN_JOB_DISK_PROCESSED, &processed) == 1 &&
        processed == 64ull << 20);
  virTypedParamsFree(params, nparams);
  virDomainCheckpointPtr c1 = virDomainCheckpointLookupByName(dom, "c1", 0);
  CHECK(c1 != NULL);
  virDomainCheckpointFree(c1);

  /* Pull, incremental since c1, over a unix socket; ended with virDomainAbortJob. */
  snprintf(xml, sizeof(xml),
           "<domainbackup mode='pull'><incremental>c1</incremental>"
           "<server transport='unix' socket='%s/nbd.sock'/><disks><disk name='vda'/></disks>"
           "</domainbackup>",
           dir);
  CHECK(virDomainBackupBegin(dom, xml, NULL, 0) == 0);
  char *desc = virDomainBackupGetXMLDesc(dom, 0);
  CHECK(desc != NULL && strstr(desc, "exportname='vda' exportbitmap='backup-vda'") != NULL);
  free(desc);
  CHECK(virDomainGetJobStats(dom, &type, &params, &nparams, 0) == 0);
  CHECK(type == VIR_DOMAIN_JOB_UNBOUNDED);
  int op = 0;
  CHECK(virTypedParamsGetInt(params, nparams, VIR_DOMAIN_JOB_OPERATION, &op) == 1 && op == 9);
  virTypedParamsFree(params, nparams);
  CHECK(sh("nbdinfo --map=qemu:dirty-bitmap:backup-vda 'nbd+unix:///vda?socket=%s/nbd.sock' "
           ">/dev/null",
           dir) == 0);
  CHECK(virDomainAbortJob(dom) == 0);
  wait_events(&h, 2);
  CHECK(h.last_success == 1);
  CHECK(virDomainBackupGetXMLDesc(dom, 0) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_BACKUP);
  CHECK(virDomainAbortJob(dom) == -1);
  CHECK_ERROR(VIR_ERR_OPERATION_INVALID,
              "Requested operation is not valid: no job is active on the domain");

  CHECK(virConnectDomainEventDeregisterAny(conn, id) == 0);
  struct timespec tenth = {0, 100 * 1000 * 1000};
  for (int i = 0; i < 10 && h.freed == 0; i++) nanosleep(&tenth, NULL);
  CHECK(h.freed == 1);

  virDomainFree(dom);
  virConnectClose(conn);
  CHECK(sh("%s -q -c '%s' destroy vm1 >/dev/null", cli, uri) == 0);
  sh("rm -rf %s", dir);
  CHECK_DONE();
}
