/* Push backups through libvirt's C API, timed to the job-completed event, as one source
 * built twice: against libvirt (backup_calls_libvirt) and against Cairn's
 * <libvirt/libvirt.h> (backup_calls_cairn). bench/backup_side_by_side.sh runs both on copies
 * of the same disk image, one domain each, and prints the figures side by side.
 *
 *   backup_calls URI DOMAIN DIR TAG ROUNDS DIRTY_COMMAND
 *
 * A full push backup of disk vda to DIR/TAG-full.qcow2 creating checkpoint TAG-0, then
 * ROUNDS times: DIRTY_COMMAND (run by the shell; it writes into the running disk), an
 * incremental push backup since the last checkpoint to DIR/TAG-N.qcow2 creating TAG-N.
 * Each is timed from virDomainBackupBegin to its job-completed event. Prints
 * "full MS", "incremental MS" (median of the rounds) and "incremental_begin MS" (how long
 * virDomainBackupBegin itself took, median). Not run by the tests.
 */
#define _POSIX_C_SOURCE 200809L
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double NowMs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void Die(const char* what) {
  fprintf(stderr, "backup_calls: %s failed: %s\n", what, virGetLastErrorMessage());
  exit(1);
}

static int CompareDoubles(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double Median(double* v, int n) {
  qsort(v, (size_t)n, sizeof *v, CompareDoubles);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Heard {
  int events;
  int success;
  double at_ms;
};

static void OnJobCompleted(virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params,
                           int nparams, void* opaque) {
  struct Heard* h = opaque;
  (void)conn;
  (void)dom;
  h->at_ms = NowMs();
  h->success = 0;
  virTypedParamsGetBoolean(params, nparams, VIR_DOMAIN_JOB_SUCCESS, &h->success);
  h->events++;
}

/* Begins the backup and waits for its event: the milliseconds from begin to the event, and
 * in *begin_ms how long the begin call took. */
static double BackupToEvent(virDomainPtr dom, struct Heard* h, const char* backup_xml,
                            const char* checkpoint_xml, double* begin_ms) {
  const int before = h->events;
  const double start = NowMs();
  if (virDomainBackupBegin(dom, backup_xml, checkpoint_xml, 0) != 0) Die("backup begin");
  *begin_ms = NowMs() - start;
  while (h->events == before) {
    if (virEventRunDefaultImpl() != 0) Die("event loop");
  }
  if (!h->success) Die("the backup job");
  return h->at_ms - start;
}

static void BackupXml(char* out, size_t size, const char* dir, const char* tag, const char* file,
                      const char* since) {
  char incremental[256] = "";
  if (since != NULL) snprintf(incremental, sizeof incremental, "<incremental>%s</incremental>", since);
  snprintf(out, size,
           "<domainbackup>%s<disks><disk name='vda' type='file'>"
           "<target file='%s/%s-%s.qcow2'/><driver type='qcow2'/></disk></disks></domainbackup>",
           incremental, dir, tag, file);
}

int main(int argc, char** argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: backup_calls URI DOMAIN DIR TAG ROUNDS DIRTY_COMMAND\n");
    return 2;
  }
  const char *dir = argv[3], *tag = argv[4], *dirty = argv[6];
  const int rounds = atoi(argv[5]);
  if (rounds < 1 || rounds > 100) Die("ROUNDS (1-100)");
  if (virEventRegisterDefaultImpl() != 0) Die("event loop set-up");
  virConnectPtr conn = virConnectOpen(argv[1]);
  if (conn == NULL) Die("connect");
  virDomainPtr dom = virDomainLookupByName(conn, argv[2]);
  if (dom == NULL) Die("domain lookup");
  struct Heard heard = {0, 0, 0};
  int id = virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                            VIR_DOMAIN_EVENT_CALLBACK(OnJobCompleted), &heard,
                                            NULL);
  if (id < 0) Die("event registration");

  char backup[1024], checkpoint[256], name[64], since[64], file[32];
  double begin_ms = 0;
  BackupXml(backup, sizeof backup, dir, tag, "full", NULL);
  snprintf(checkpoint, sizeof checkpoint, "<domaincheckpoint><name>%s-0</name></domaincheckpoint>",
           tag);
  printf("full %.3f\n", BackupToEvent(dom, &heard, backup, checkpoint, &begin_ms));

  double incremental[100], begins[100];
  for (int r = 1; r <= rounds; ++r) {
    if (system(dirty) != 0) Die("the dirtying command");
    snprintf(since, sizeof since, "%s-%d", tag, r - 1);
    snprintf(name, sizeof name, "%s-%d", tag, r);
    snprintf(file, sizeof file, "%d", r);
    BackupXml(backup, sizeof backup, dir, tag, file, since);
    snprintf(checkpoint, sizeof checkpoint,
             "<domaincheckpoint><name>%s</name></domaincheckpoint>", name);
    incremental[r - 1] = BackupToEvent(dom, &heard, backup, checkpoint, &begins[r - 1]);
  }
  printf("incremental %.3f\n", Median(incremental, rounds));
  printf("incremental_begin %.3f\n", Median(begins, rounds));
  virConnectDomainEventDeregisterAny(conn, id);
  virDomainFree(dom);
  virConnectClose(conn);
  return 0;
}
