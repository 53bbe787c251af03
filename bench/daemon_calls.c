/* Round trips to a daemon through libvirt's own client library, for bench/daemon.sh, which
 * runs it against cairnd and against a private libvirtd in one run.
 *
 *   daemon_calls URI roundtrip N            N virConnectGetLibVersion calls on one
 *                                           connection: "roundtrip_us MEDIAN P99"
 *   daemon_calls URI clients C SECONDS DOM  C threads, each with its own connection, call
 *                                           virConnectGetLibVersion and then
 *                                           virDomainListAllCheckpoints(DOM) in turn for
 *                                           SECONDS: "clients_calls_per_s TOTAL" and
 *                                           "clients_list_per_s LISTS"
 *
 * virConnectGetLibVersion is one REMOTE_PROC_CONNECT_GET_LIB_VERSION round trip with no
 * work behind it (the libvirt client caches nothing here): the protocol's floor. Not run by
 * the tests.
 */
#define _POSIX_C_SOURCE 200809L
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double NowUs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void Die(const char* what) {
  virErrorPtr e = virGetLastError();
  fprintf(stderr, "daemon_calls: %s failed: %s\n", what, e && e->message ? e->message : "?");
  exit(1);
}

static int CompareDoubles(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static void Quiet(void* opaque, virErrorPtr e) {
  (void)opaque;
  (void)e;
}

static int RoundTrip(const char* uri, int n) {
  virConnectPtr conn = virConnectOpen(uri);
  if (conn == NULL) Die("open");
  double* t = malloc(sizeof *t * (size_t)n);
  if (t == NULL) Die("malloc");
  unsigned long v = 0;
  for (int i = 0; i < 100; ++i) {  // warm-up
    if (virConnectGetLibVersion(conn, &v) < 0) Die("GetLibVersion");
  }
  for (int i = 0; i < n; ++i) {
    double t0 = NowUs();
    if (virConnectGetLibVersion(conn, &v) < 0) Die("GetLibVersion");
    t[i] = NowUs() - t0;
  }
  qsort(t, (size_t)n, sizeof *t, CompareDoubles);
  printf("roundtrip_us %.1f %.1f\n", t[n / 2], t[(n * 99) / 100]);
  free(t);
  virConnectClose(conn);
  return 0;
}

static int stop_clients;  // set by main once the time is up (__atomic)

struct Client {
  const char* uri;
  const char* dom;
  long calls, lists;
  pthread_barrier_t* start;
};

static void* RunClient(void* arg) {
  struct Client* c = arg;
  virConnectPtr conn = virConnectOpen(c->uri);
  if (conn == NULL) Die("open");
  virDomainPtr dom = virDomainLookupByName(conn, c->dom);
  if (dom == NULL) Die("lookup");
  pthread_barrier_wait(c->start);
  unsigned long v = 0;
  while (!__atomic_load_n(&stop_clients, __ATOMIC_RELAXED)) {
    if (virConnectGetLibVersion(conn, &v) < 0) Die("GetLibVersion");
    virDomainCheckpointPtr* cps = NULL;
    int n = virDomainListAllCheckpoints(dom, &cps, 0);
    if (n < 0) Die("ListAllCheckpoints");
    for (int i = 0; i < n; ++i) virDomainCheckpointFree(cps[i]);
    free(cps);
    c->calls += 2;
    c->lists += 1;
  }
  virDomainFree(dom);
  virConnectClose(conn);
  return NULL;
}

static int Clients(const char* uri, int count, double seconds, const char* dom) {
  pthread_t* threads = calloc((size_t)count, sizeof *threads);
  struct Client* clients = calloc((size_t)count, sizeof *clients);
  if (threads == NULL || clients == NULL) Die("calloc");
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)count + 1);
  for (int i = 0; i < count; ++i) {
    clients[i] = (struct Client){uri, dom, 0, 0, &start};
    if (pthread_create(&threads[i], NULL, RunClient, &clients[i]) != 0) Die("pthread_create");
  }
  // Every client connects first; the clock starts when all have.
  pthread_barrier_wait(&start);
  double t0 = NowUs();
  struct timespec span = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
  nanosleep(&span, NULL);
  __atomic_store_n(&stop_clients, 1, __ATOMIC_RELAXED);
  long calls = 0, lists = 0;
  for (int i = 0; i < count; ++i) {
    pthread_join(threads[i], NULL);
    calls += clients[i].calls;
    lists += clients[i].lists;
  }
  double elapsed = (NowUs() - t0) / 1e6;
  printf("clients_calls_per_s %.0f\n", calls / elapsed);
  printf("clients_list_per_s %.0f\n", lists / elapsed);
  free(threads);
  free(clients);
  return 0;
}

int main(int argc, char** argv) {
  virSetErrorFunc(NULL, Quiet);
  if (argc == 4 && strcmp(argv[2], "roundtrip") == 0) return RoundTrip(argv[1], atoi(argv[3]));
  if (argc == 6 && strcmp(argv[2], "clients") == 0) {
    return Clients(argv[1], atoi(argv[3]), atof(argv[4]), argv[5]);
  }
  fprintf(stderr,
          "usage: daemon_calls URI roundtrip N\n"
          "       daemon_calls URI clients COUNT SECONDS DOMAIN\n");
  return 2;
}
