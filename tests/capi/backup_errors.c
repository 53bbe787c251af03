/* The backup and job entry points' error paths on test:///default (no backup there, as in
 * libvirt's test driver), the event registration rules, and the typed-parameter helpers.
 * Written against libvirt's API: only the include line differs. */
#include <cairn/virt.h>
#include <stdlib.h>

#include "capi_check.h"

static void on_job(virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params,
                   int nparams, void *opaque) {
  (void)conn, (void)dom, (void)params, (void)nparams, (void)opaque;
}

int main(void) {
  virConnectPtr conn = virConnectOpen("test:///default");
  virConnectPtr ro = virConnectOpenReadOnly("test:///default");
  virDomainPtr dom = virDomainLookupByName(conn, "test");
  virDomainPtr rodom = virDomainLookupByName(ro, "test");
  CHECK(dom != NULL && rodom != NULL);

  CHECK(virDomainBackupBegin(dom, NULL, NULL, 0) == -1);
  CHECK_ERROR(VIR_ERR_INVALID_ARG,
              "backupXML in virDomainBackupBegin must not be NULL");
  CHECK(virDomainBackupBegin(rodom, "<domainbackup/>", NULL, 0) == -1);
  CHECK_ERROR(VIR_ERR_OPERATION_DENIED,
              "operation forbidden: read only access prevents virDomainBackupBegin");
  CHECK(virDomainBackupBegin(dom, "<domainbackup/>", NULL, 0) == -1);
  CHECK_ERROR(VIR_ERR_NO_SUPPORT,
              "this function is not supported by the connection driver: virDomainBackupBegin");
  CHECK(virDomainBackupBegin(NULL, "<domainbackup/>", NULL, 0) == -1);
  CHECK(virGetLastErrorCode() == VIR_ERR_INVALID_DOMAIN);

  CHECK(virDomainBackupGetXMLDesc(dom, 0) == NULL);
  CHECK(virGetLastErrorCode() == VIR_ERR_NO_SUPPORT);
  CHECK(virDomainAbortJob(rodom) == -1);
  CHECK_ERROR(VIR_ERR_OPERATION_DENIED,
              "operation forbidden: read only access prevents virDomainAbortJob");

  int type = -1, nparams = -1;
  virTypedParameterPtr params = NULL;
  CHECK(virDomainGetJobStats(dom, NULL, &params, &nparams, 0) == -1);
  CHECK_ERROR(VIR_ERR_INVALID_ARG,
              "type in virDomainGetJobStats must not be NULL");
  CHECK(virDomainGetJobStats(dom, &type, &params, &nparams, 0) == -1);
  CHECK(virGetLastErrorCode() == VIR_ERR_NO_SUPPORT);

  /* Events: only JOB_COMPLETED exists here, with libvirt's argument checks. */
  CHECK(virConnectDomainEventRegisterAny(conn, dom, 99, VIR_DOMAIN_EVENT_CALLBACK(on_job), NULL,
                                         NULL) == -1);
  CHECK_ERROR(VIR_ERR_INVALID_ARG, "invalid argument: eventID in "
                                   "virConnectDomainEventRegisterAny must be less than 27");
  CHECK(virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, NULL,
                                         NULL, NULL) == -1);
  CHECK(virGetLastErrorCode() == VIR_ERR_INVALID_ARG);
  CHECK(virConnectDomainEventRegisterAny(conn, rodom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                         VIR_DOMAIN_EVENT_CALLBACK(on_job), NULL, NULL) == -1);
  CHECK_ERROR(VIR_ERR_INVALID_ARG, "invalid argument: domain in "
                                   "virConnectDomainEventRegisterAny must match connection");
  CHECK(virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(on_job), NULL, NULL) == -1);
  CHECK(virGetLastErrorCode() == VIR_ERR_NO_SUPPORT);
  CHECK(virConnectDomainEventRegisterAny(conn, dom, VIR_DOMAIN_EVENT_ID_JOB_COMPLETED,
                                         VIR_DOMAIN_EVENT_CALLBACK(on_job), NULL, NULL) == -1);
  CHECK(virGetLastErrorCode() == VIR_ERR_NO_SUPPORT); /* the test driver has no jobs */
  CHECK(virConnectDomainEventDeregisterAny(conn, 7) == -1);
  CHECK_ERROR(VIR_ERR_INVALID_ARG,
              "invalid argument: could not find event callback 7 for deletion");

  /* Typed parameters: found, absent, wrong type; freeing NULL is fine. */
  virTypedParameter p[2] = {{.field = "operation", .type = VIR_TYPED_PARAM_INT, .value.i = 9},
                            {.field = "time_elapsed", .type = VIR_TYPED_PARAM_ULLONG,
                             .value.ul = 12}};
  int op = 0;
  unsigned long long elapsed = 0;
  CHECK(virTypedParamsGetInt(p, 2, VIR_DOMAIN_JOB_OPERATION, &op) == 1 && op == 9);
  CHECK(virTypedParamsGetULLong(p, 2, VIR_DOMAIN_JOB_TIME_ELAPSED, &elapsed) == 1 &&
        elapsed == 12);
  CHECK(virTypedParamsGetULLong(p, 2, VIR_DOMAIN_JOB_DISK_TOTAL, &elapsed) == 0);
  CHECK(virTypedParamsGetULLong(p, 2, VIR_DOMAIN_JOB_OPERATION, &elapsed) == -1);
  CHECK_ERROR(VIR_ERR_INVALID_ARG, "invalid argument: Invalid type 'ullong' requested for "
                                   "parameter 'operation', actual type is 'int'");
  CHECK(virTypedParamsGet(p, 2, "nope") == NULL);
  virTypedParamsFree(NULL, 0);

  virDomainFree(rodom);
  virDomainFree(dom);
  virConnectClose(ro);
  virConnectClose(conn);
  CHECK_DONE();
}
