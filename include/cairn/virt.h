/* cairn/virt.h — Cairn's C API, with libvirt's names, signatures and values.
 *
 * A C program written against libvirt's checkpoint and backup API builds against Cairn by
 * replacing `#include <libvirt/libvirt.h>` with `#include <cairn/virt.h>` and `-lvirt` with
 * `-lcairn`.
 * Conventions are libvirt's: functions return NULL or -1 on error and set the calling
 * thread's last error (virGetLastError); arrays returned by the List functions carry one
 * extra NULL element not counted in the return value; every object handle is reference
 * counted (Ref/Free) and keeps its domain and connection alive.
 */
#ifndef CAIRN_VIRT_H
#define CAIRN_VIRT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _virConnect virConnect;
typedef virConnect *virConnectPtr;
typedef struct _virDomain virDomain;
typedef virDomain *virDomainPtr;
typedef struct _virDomainCheckpoint virDomainCheckpoint;
typedef virDomainCheckpoint *virDomainCheckpointPtr;

/* ---- errors (virterror.h) ---- */

typedef enum {
  VIR_ERR_NONE = 0,
  VIR_ERR_WARNING = 1,
  VIR_ERR_ERROR = 2
} virErrorLevel;

typedef enum {
  VIR_FROM_NONE = 0,
  VIR_FROM_XML = 5,
  VIR_FROM_RPC = 7,
  VIR_FROM_CONF = 9,
  VIR_FROM_QEMU = 10,
  VIR_FROM_TEST = 12,
  VIR_FROM_STORAGE = 18,
  VIR_FROM_DOMAIN = 20,
  VIR_FROM_SECURITY = 24,
  VIR_FROM_URI = 45,
  VIR_FROM_DOMAIN_CHECKPOINT = 69
} virErrorDomain;

typedef enum {
  VIR_ERR_OK = 0,
  VIR_ERR_INTERNAL_ERROR = 1,
  VIR_ERR_NO_MEMORY = 2,
  VIR_ERR_NO_SUPPORT = 3,
  VIR_ERR_NO_CONNECT = 5,
  VIR_ERR_INVALID_CONN = 6,
  VIR_ERR_INVALID_DOMAIN = 7,
  VIR_ERR_INVALID_ARG = 8,
  VIR_ERR_OPERATION_FAILED = 9,
  VIR_ERR_XML_ERROR = 27,
  VIR_ERR_DOM_EXIST = 28,
  VIR_ERR_OPERATION_DENIED = 29,
  VIR_ERR_OPEN_FAILED = 30,
  VIR_ERR_READ_FAILED = 31,
  VIR_ERR_PARSE_FAILED = 32,
  VIR_ERR_WRITE_FAILED = 34,
  VIR_ERR_XML_DETAIL = 35,
  VIR_ERR_SYSTEM_ERROR = 38,
  VIR_ERR_RPC = 39,
  VIR_ERR_NO_DOMAIN = 42,
  VIR_ERR_OPERATION_INVALID = 55,
  VIR_ERR_CONFIG_UNSUPPORTED = 67,
  VIR_ERR_OPERATION_TIMEOUT = 68,
  VIR_ERR_INVALID_DOMAIN_SNAPSHOT = 71,
  VIR_ERR_NO_DOMAIN_SNAPSHOT = 72,
  VIR_ERR_ARGUMENT_UNSUPPORTED = 74,
  VIR_ERR_OPERATION_ABORTED = 78,
  VIR_ERR_OVERFLOW = 82,
  VIR_ERR_OPERATION_UNSUPPORTED = 84,
  VIR_ERR_AGENT_UNRESPONSIVE = 86,
  VIR_ERR_RESOURCE_BUSY = 87,
  VIR_ERR_XML_INVALID_SCHEMA = 92,
  VIR_ERR_DEVICE_MISSING = 99,
  VIR_ERR_INVALID_DOMAIN_CHECKPOINT = 102,
  VIR_ERR_NO_DOMAIN_CHECKPOINT = 103,
  VIR_ERR_NO_DOMAIN_BACKUP = 104,
  VIR_ERR_CHECKPOINT_INCONSISTENT = 109
} virErrorNumber;

typedef struct _virError {
  int code;             /* virErrorNumber */
  int domain;           /* virErrorDomain */
  char *message;        /* the full message, as virsh prints it after "error: " */
  virErrorLevel level;
  virConnectPtr conn;   /* always NULL (deprecated in libvirt too) */
  virDomainPtr dom;     /* always NULL (deprecated in libvirt too) */
  char *str1;
  char *str2;
  char *str3;
  int int1;
  int int2;
  void *net;
} virError;
typedef virError *virErrorPtr;

/* The calling thread's last error, or NULL. Owned by the thread; valid until the next
 * Cairn call on this thread. */
virErrorPtr virGetLastError(void);
/* The last error's message, or "no error" — never NULL. */
const char *virGetLastErrorMessage(void);
void virResetLastError(void);
int virGetLastErrorCode(void);
int virGetLastErrorDomain(void);

/* ---- connections and domains (libvirt-host.h, libvirt-domain.h) ---- */

virConnectPtr virConnectOpen(const char *name);
virConnectPtr virConnectOpenReadOnly(const char *name);
int virConnectClose(virConnectPtr conn);
int virConnectRef(virConnectPtr conn);
char *virConnectGetURI(virConnectPtr conn);
const char *virConnectGetType(virConnectPtr conn);

typedef enum {
  VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1 << 0,
  VIR_CONNECT_LIST_DOMAINS_INACTIVE = 1 << 1,
  VIR_CONNECT_LIST_DOMAINS_PERSISTENT = 1 << 2,
  VIR_CONNECT_LIST_DOMAINS_TRANSIENT = 1 << 3,
  VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT = 1 << 14,
  VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT = 1 << 15
} virConnectListAllDomainsFlags;

int virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags);

virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name);
virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn, const char *uuid);
virDomainPtr virDomainLookupByID(virConnectPtr conn, int id);
int virDomainRef(virDomainPtr domain);
int virDomainFree(virDomainPtr domain);
const char *virDomainGetName(virDomainPtr domain);
int virDomainGetID(virDomainPtr domain);
int virDomainGetUUIDString(virDomainPtr domain, char *buf);
virConnectPtr virDomainGetConnect(virDomainPtr domain);
int virDomainIsActive(virDomainPtr domain);

typedef enum {
  VIR_DOMAIN_XML_SECURE = 1 << 0,
  VIR_DOMAIN_XML_INACTIVE = 1 << 1
} virDomainXMLFlags;

char *virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags);

typedef enum {
  VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA = 1 << 4
} virDomainUndefineFlagsValues;

/* ---- lifecycle (libvirt-domain.h, libvirt-host.h): src/capi/virt_lifecycle.cpp ---- */

typedef enum {
  VIR_DOMAIN_SHUTDOWN_DEFAULT = 0,
  VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN = 1 << 0,
  VIR_DOMAIN_SHUTDOWN_GUEST_AGENT = 1 << 1
} virDomainShutdownFlagValues;

typedef enum {
  VIR_DOMAIN_REBOOT_DEFAULT = 0,
  VIR_DOMAIN_REBOOT_ACPI_POWER_BTN = 1 << 0,
  VIR_DOMAIN_REBOOT_GUEST_AGENT = 1 << 1
} virDomainRebootFlagValues;

int virDomainShutdown(virDomainPtr domain);
int virDomainShutdownFlags(virDomainPtr domain, unsigned int flags);
int virDomainReboot(virDomainPtr domain, unsigned int flags);
int virDomainSuspend(virDomainPtr domain);
int virDomainResume(virDomainPtr domain);
/* The caller frees the string. */
char *virDomainGetOSType(virDomainPtr domain);
/* *hvVer = major * 1000000 + minor * 1000 + micro. */
int virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);

/* ---- checkpoints (libvirt-domain-checkpoint.h) ---- */

typedef enum {
  VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE = 1 << 0,
  VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE = 1 << 1,
  VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE = 1 << 2
} virDomainCheckpointCreateFlags;

typedef enum {
  VIR_DOMAIN_CHECKPOINT_XML_SECURE = 1 << 0,
  VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN = 1 << 1,
  VIR_DOMAIN_CHECKPOINT_XML_SIZE = 1 << 2
} virDomainCheckpointXMLFlags;

typedef enum {
  VIR_DOMAIN_CHECKPOINT_LIST_ROOTS = 1 << 0,
  VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS = 1 << 0,
  VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL = 1 << 1,
  VIR_DOMAIN_CHECKPOINT_LIST_LEAVES = 1 << 2,
  VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES = 1 << 3
} virDomainCheckpointListFlags;

typedef enum {
  VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN = 1 << 0,
  VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY = 1 << 1,
  VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY = 1 << 2
} virDomainCheckpointDeleteFlags;

const char *virDomainCheckpointGetName(virDomainCheckpointPtr checkpoint);
virDomainPtr virDomainCheckpointGetDomain(virDomainCheckpointPtr checkpoint);
virConnectPtr virDomainCheckpointGetConnect(virDomainCheckpointPtr checkpoint);
virDomainCheckpointPtr virDomainCheckpointCreateXML(virDomainPtr domain, const char *xmlDesc,
                                                    unsigned int flags);
char *virDomainCheckpointGetXMLDesc(virDomainCheckpointPtr checkpoint, unsigned int flags);
int virDomainListAllCheckpoints(virDomainPtr domain, virDomainCheckpointPtr **checkpoints,
                                unsigned int flags);
int virDomainCheckpointListAllChildren(virDomainCheckpointPtr checkpoint,
                                       virDomainCheckpointPtr **children, unsigned int flags);
virDomainCheckpointPtr virDomainCheckpointLookupByName(virDomainPtr domain, const char *name,
                                                       unsigned int flags);
virDomainCheckpointPtr virDomainCheckpointGetParent(virDomainCheckpointPtr checkpoint,
                                                    unsigned int flags);
int virDomainCheckpointDelete(virDomainCheckpointPtr checkpoint, unsigned int flags);
int virDomainCheckpointRef(virDomainCheckpointPtr checkpoint);
int virDomainCheckpointFree(virDomainCheckpointPtr checkpoint);

/* ---- typed parameters (libvirt-common.h) ---- */

#define VIR_TYPED_PARAM_FIELD_LENGTH 80

typedef enum {
  VIR_TYPED_PARAM_INT = 1,
  VIR_TYPED_PARAM_UINT = 2,
  VIR_TYPED_PARAM_LLONG = 3,
  VIR_TYPED_PARAM_ULLONG = 4,
  VIR_TYPED_PARAM_DOUBLE = 5,
  VIR_TYPED_PARAM_BOOLEAN = 6,
  VIR_TYPED_PARAM_STRING = 7
} virTypedParameterType;

typedef struct _virTypedParameter virTypedParameter;
struct _virTypedParameter {
  char field[VIR_TYPED_PARAM_FIELD_LENGTH];  /* NUL-terminated name */
  int type;                                  /* virTypedParameterType */
  union {
    int i;
    unsigned int ui;
    long long int l;
    unsigned long long int ul;
    double d;
    char b;
    char *s;
  } value;
};
typedef virTypedParameter *virTypedParameterPtr;

/* Frees an array returned by Cairn, strings included. NULL is fine. */
void virTypedParamsFree(virTypedParameterPtr params, int nparams);
/* The parameter called `name`, or NULL. */
virTypedParameterPtr virTypedParamsGet(virTypedParameterPtr params, int nparams,
                                       const char *name);
/* 1 and *value set when found, 0 when absent, -1 (VIR_ERR_INVALID_ARG) on a type mismatch. */
int virTypedParamsGetInt(virTypedParameterPtr params, int nparams, const char *name, int *value);
int virTypedParamsGetULLong(virTypedParameterPtr params, int nparams, const char *name,
                            unsigned long long *value);
int virTypedParamsGetBoolean(virTypedParameterPtr params, int nparams, const char *name,
                             int *value);
int virTypedParamsGetString(virTypedParameterPtr params, int nparams, const char *name,
                            const char **value);

/* ---- backups and domain jobs (libvirt-domain.h) ---- */

typedef enum {
  VIR_DOMAIN_BACKUP_BEGIN_REUSE_EXTERNAL = 1 << 0,
  VIR_DOMAIN_BACKUP_BEGIN_PRESERVE_SHUTDOWN_DOMAIN = 1 << 1
} virDomainBackupBeginFlags;

/* Starts a push or pull backup job; 0 on success, -1 on error (nothing is left behind). */
int virDomainBackupBegin(virDomainPtr domain, const char *backupXML, const char *checkpointXML,
                         unsigned int flags);
/* The running backup's XML (free() it), or NULL with VIR_ERR_NO_DOMAIN_BACKUP. */
char *virDomainBackupGetXMLDesc(virDomainPtr domain, unsigned int flags);

typedef enum {
  VIR_DOMAIN_JOB_NONE = 0,
  VIR_DOMAIN_JOB_BOUNDED = 1,
  VIR_DOMAIN_JOB_UNBOUNDED = 2,
  VIR_DOMAIN_JOB_COMPLETED = 3,
  VIR_DOMAIN_JOB_FAILED = 4,
  VIR_DOMAIN_JOB_CANCELLED = 5
} virDomainJobType;

typedef enum {
  VIR_DOMAIN_JOB_OPERATION_UNKNOWN = 0,
  VIR_DOMAIN_JOB_OPERATION_START = 1,
  VIR_DOMAIN_JOB_OPERATION_SAVE = 2,
  VIR_DOMAIN_JOB_OPERATION_RESTORE = 3,
  VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN = 4,
  VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT = 5,
  VIR_DOMAIN_JOB_OPERATION_SNAPSHOT = 6,
  VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_REVERT = 7,
  VIR_DOMAIN_JOB_OPERATION_DUMP = 8,
  VIR_DOMAIN_JOB_OPERATION_BACKUP = 9
} virDomainJobOperation;

typedef enum {
  VIR_DOMAIN_JOB_STATS_COMPLETED = 1 << 0,
  VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED = 1 << 1
} virDomainGetJobStatsFlags;

#define VIR_DOMAIN_JOB_OPERATION "operation"
#define VIR_DOMAIN_JOB_TIME_ELAPSED "time_elapsed"
#define VIR_DOMAIN_JOB_DISK_TOTAL "disk_total"
#define VIR_DOMAIN_JOB_DISK_PROCESSED "disk_processed"
#define VIR_DOMAIN_JOB_DISK_REMAINING "disk_remaining"
#define VIR_DOMAIN_JOB_DISK_TEMP_USED "disk_temp_used"
#define VIR_DOMAIN_JOB_DISK_TEMP_TOTAL "disk_temp_total"
#define VIR_DOMAIN_JOB_SUCCESS "success"
#define VIR_DOMAIN_JOB_ERRMSG "errmsg"

/* *type is a virDomainJobType; *params (free with virTypedParamsFree) holds the keys above;
 * no job: VIR_DOMAIN_JOB_NONE, *params NULL, *nparams 0. */
int virDomainGetJobStats(virDomainPtr domain, int *type, virTypedParameterPtr *params,
                         int *nparams, unsigned int flags);
/* Cancels a push backup, ends a pull backup. */
int virDomainAbortJob(virDomainPtr domain);

/* ---- events (libvirt-domain.h, libvirt-event.h) ---- */

typedef enum {
  VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0,
  VIR_DOMAIN_EVENT_ID_REBOOT = 1,
  VIR_DOMAIN_EVENT_ID_RTC_CHANGE = 2,
  VIR_DOMAIN_EVENT_ID_WATCHDOG = 3,
  VIR_DOMAIN_EVENT_ID_IO_ERROR = 4,
  VIR_DOMAIN_EVENT_ID_GRAPHICS = 5,
  VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON = 6,
  VIR_DOMAIN_EVENT_ID_CONTROL_ERROR = 7,
  VIR_DOMAIN_EVENT_ID_BLOCK_JOB = 8,
  VIR_DOMAIN_EVENT_ID_DISK_CHANGE = 9,
  VIR_DOMAIN_EVENT_ID_TRAY_CHANGE = 10,
  VIR_DOMAIN_EVENT_ID_PMWAKEUP = 11,
  VIR_DOMAIN_EVENT_ID_PMSUSPEND = 12,
  VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE = 13,
  VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK = 14,
  VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15,
  VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2 = 16,
  VIR_DOMAIN_EVENT_ID_TUNABLE = 17,
  VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE = 18,
  VIR_DOMAIN_EVENT_ID_DEVICE_ADDED = 19,
  VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION = 20,
  VIR_DOMAIN_EVENT_ID_JOB_COMPLETED = 21, /* the only one Cairn delivers */
  VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED = 22,
  VIR_DOMAIN_EVENT_ID_METADATA_CHANGE = 23,
  VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD = 24,
  VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE = 25,
  VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE = 26,
  VIR_DOMAIN_EVENT_ID_LAST = 27
} virDomainEventID;

typedef void (*virConnectDomainEventGenericCallback)(virConnectPtr conn, virDomainPtr dom,
                                                     void *opaque);
/* As libvirt's, through void (*)(void) so that -Wcast-function-type stays quiet. */
#define VIR_DOMAIN_EVENT_CALLBACK(cb) \
  ((virConnectDomainEventGenericCallback)(void (*)(void))(cb))
/* `params` belong to Cairn and are valid during the call only; `dom` likewise. */
typedef void (*virConnectDomainEventJobCompletedCallback)(virConnectPtr conn, virDomainPtr dom,
                                                          virTypedParameterPtr params,
                                                          int nparams, void *opaque);
typedef void (*virFreeCallback)(void *opaque);

/* Registers `cb` for `eventID` on `dom` (NULL: every domain); returns the callback id >= 0.
 * The registration holds a reference on `conn`; `freecb(opaque)` runs once the callback is
 * deregistered and no longer running. Callbacks run in virEventRunDefaultImpl() once
 * virEventRegisterDefaultImpl() was called, else on a thread of Cairn's. */
int virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                     virConnectDomainEventGenericCallback cb, void *opaque,
                                     virFreeCallback freecb);
int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID);

/* libvirt's default event loop: events are queued for the thread that runs it. RunDefaultImpl
 * dispatches what is queued, waiting up to a second for something to come; returns 0. */
int virEventRegisterDefaultImpl(void);
int virEventRunDefaultImpl(void);

#ifdef __cplusplus
}
#endif

#endif /* CAIRN_VIRT_H */
