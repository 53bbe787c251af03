/* Per-call cost of checkpoint metadata calls through libvirt's C API, as one source built
 * twice: against libvirt (metadata_calls_libvirt) and against Cairn's <libvirt/libvirt.h>
 * (metadata_calls_cairn). bench/side_by_side.sh runs both on the same guest image, one
 * domain each, and prints the two figures and their ratio.
 *
 *   metadata_calls URI DOMAIN N PULL_XML_TEMPLATE
 *
 * Grows the domain's checkpoints cp1, cp2, ... until there are N, then prints, one per line,
 * "key milliseconds": create_last10 (mean of the creates that made the last ten, or of all
 * when fewer were made), list (ListAllCheckpoints), dumpxml, size (GetXMLDesc with SIZE),
 * delete_leaf (delete a leaf made for it), pull_begin and pull_abort (a pull backup started
 * and aborted; "%d" in the template becomes the repetition number, for fresh scratch files),
 * pull_abort_ended (from the abort until the job is gone: GetJobStats polled every 1 ms, as
 * a daemon may answer the abort before it has torn the job down).
 * Figures are medians over repetitions. Not run by the tests.
 */
#define _POSIX_C_SOURCE 200809L
#include <libvirt/libvirt.h>
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
  fprintf(stderr, "metadata_calls: %s failed\n", what);
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

// An aborted job may still be ending when AbortJob returns; the next begin waits for it.
static void WaitForNoJob(virDomainPtr dom) {
  for (int i = 0; i < 1000; ++i) {
    int type = VIR_DOMAIN_JOB_NONE;
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    if (virDomainGetJobStats(dom, &type, &params, &nparams, 0) < 0) Die("job stats");
    virTypedParamsFree(params, nparams);
    if (type == VIR_DOMAIN_JOB_NONE) return;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  Die("waiting for the aborted job to end");
}

static double CreateNamed(virDomainPtr dom, const char* name) {
  char xml[256];
  snprintf(xml, sizeof xml, "<domaincheckpoint><name>%s</name></domaincheckpoint>", name);
  double t0 = NowMs();
  virDomainCheckpointPtr cp = virDomainCheckpointCreateXML(dom, xml, 0);
  double t1 = NowMs();
  if (cp == NULL) Die("create");
  virDomainCheckpointFree(cp);
  return t1 - t0;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: metadata_calls URI DOMAIN N PULL_XML_TEMPLATE\n");
    return 2;
  }
  const int n = atoi(argv[3]);
  virConnectPtr conn = virConnectOpen(argv[1]);
  if (conn == NULL) Die("open");
  virDomainPtr dom = virDomainLookupByName(conn, argv[2]);
  if (dom == NULL) Die("lookup");

  virDomainCheckpointPtr* all = NULL;
  int have = virDomainListAllCheckpoints(dom, &all, 0);
  if (have < 0) Die("list");
  for (int i = 0; i < have; ++i) virDomainCheckpointFree(all[i]);
  free(all);

  double last10[10];
  int made = 0;
  for (int i = have + 1; i <= n; ++i) {
    char name[32];
    snprintf(name, sizeof name, "cp%d", i);
    last10[made++ % 10] = CreateNamed(dom, name);
  }
  if (made > 0) {
    int k = made < 10 ? made : 10;
    double sum = 0;
    for (int i = 0; i < k; ++i) sum += last10[i];
    printf("create_last10 %.3f\n", sum / k);
  }

  enum { kReps = 21 };
  double t[kReps];
  for (int r = 0; r < kReps; ++r) {
    double t0 = NowMs();
    int got = virDomainListAllCheckpoints(dom, &all, 0);
    t[r] = NowMs() - t0;
    if (got != n) Die("list count");
    for (int i = 0; i < got; ++i) virDomainCheckpointFree(all[i]);
    free(all);
  }
  printf("list %.3f\n", Median(t, kReps));

  char last[32];
  snprintf(last, sizeof last, "cp%d", n);
  virDomainCheckpointPtr cp = virDomainCheckpointLookupByName(dom, last, 0);
  if (cp == NULL) Die("lookup checkpoint");
  for (int r = 0; r < kReps; ++r) {
    double t0 = NowMs();
    char* xml = virDomainCheckpointGetXMLDesc(cp, 0);
    t[r] = NowMs() - t0;
    if (xml == NULL) Die("dumpxml");
    free(xml);
  }
  printf("dumpxml %.3f\n", Median(t, kReps));
  for (int r = 0; r < 5; ++r) {
    double t0 = NowMs();
    char* xml = virDomainCheckpointGetXMLDesc(cp, VIR_DOMAIN_CHECKPOINT_XML_SIZE);
    t[r] = NowMs() - t0;
    if (xml == NULL) Die("dumpxml --size");
    free(xml);
  }
  printf("size %.3f\n", Median(t, 5));
  virDomainCheckpointFree(cp);

  for (int r = 0; r < 5; ++r) {
    char name[32];
    snprintf(name, sizeof name, "leaf%d", r);
    CreateNamed(dom, name);
    virDomainCheckpointPtr leaf = virDomainCheckpointLookupByName(dom, name, 0);
    if (leaf == NULL) Die("lookup leaf");
    double t0 = NowMs();
    if (virDomainCheckpointDelete(leaf, 0) < 0) Die("delete");
    t[r] = NowMs() - t0;
    virDomainCheckpointFree(leaf);
  }
  printf("delete_leaf %.3f\n", Median(t, 5));

  double abort_ms[5], ended_ms[5];
  for (int r = 0; r < 5; ++r) {
    char xml[2048];
    snprintf(xml, sizeof xml, argv[4], r, r);
    double t0 = NowMs();
    if (virDomainBackupBegin(dom, xml, NULL, 0) < 0) Die("pull begin");
    double t1 = NowMs();
    if (virDomainAbortJob(dom) < 0) Die("abort");
    double t2 = NowMs();
    WaitForNoJob(dom);
    t[r] = t1 - t0;
    abort_ms[r] = t2 - t1;
    ended_ms[r] = NowMs() - t1;
  }
  printf("pull_begin %.3f\n", Median(t, 5));
  printf("pull_abort %.3f\n", Median(abort_ms, 5));
  printf("pull_abort_ended %.3f\n", Median(ended_ms, 5));

  virDomainFree(dom);
  virConnectClose(conn);
  return 0;
}
