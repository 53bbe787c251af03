/* cairn/virt.h — Cairn's C API, with libvirt's names, signatures and values.
 *
 * A C program written against libvirt's checkpoint API builds against Cairn by replacing
 * `#include <libvirt/libvirt.h>` with `#include <cairn/virt.h>` and `-lvirt` with `-lcairn`.
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

#ifdef __cplusplus
}
#endif

#endif /* CAIRN_VIRT_H */
