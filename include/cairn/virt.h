/* cairn/virt.h — Cairn's C API, with libvirt's names, signatures and values.
 *
 * A C program written against libvirt's checkpoint and backup API builds against Cairn
 * unchanged, its `#include <libvirt/libvirt.h>` and `<libvirt/virterror.h>` included, with
 * `pkg-config --cflags --libs cairn-virt` instead of `pkg-config libvirt` (the headers under
 * include/cairn-virt/libvirt/ forward here). Including <cairn/virt.h> and linking `-lcairn`
 * works as well.
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

/* ---- errors (virterror.h) ----
 *
 * Every value of libvirt 9.0's virErrorDomain and virErrorNumber is named, so that a program's
 * switch over them builds; Cairn itself raises only a few of them (cairn/error.hpp).
 * When an entry point fails it stores the error as the calling thread's last error, copies it
 * into the connection's last error (when the call had a valid connection), then reports it:
 * to the connection's handler if one was set (virConnSetErrorFunc), else to the global handler
 * (virSetErrorFunc), else with virDefaultErrorFunc, which prints it on stderr. Handlers run on
 * the failing thread, inside the failing call.
 */

typedef enum {
  VIR_ERR_NONE = 0,
  VIR_ERR_WARNING = 1,
  VIR_ERR_ERROR = 2
} virErrorLevel;

typedef enum {
  VIR_FROM_NONE = 0,
  VIR_FROM_XEN = 1,
  VIR_FROM_XEND = 2,
  VIR_FROM_XENSTORE = 3,
  VIR_FROM_SEXPR = 4,
  VIR_FROM_XML = 5,
  VIR_FROM_DOM = 6,
  VIR_FROM_RPC = 7,
  VIR_FROM_PROXY = 8,
  VIR_FROM_CONF = 9,
  VIR_FROM_QEMU = 10,
  VIR_FROM_NET = 11,
  VIR_FROM_TEST = 12,
  VIR_FROM_REMOTE = 13,
  VIR_FROM_OPENVZ = 14,
  VIR_FROM_XENXM = 15,
  VIR_FROM_STATS_LINUX = 16,
  VIR_FROM_LXC = 17,
  VIR_FROM_STORAGE = 18,
  VIR_FROM_NETWORK = 19,
  VIR_FROM_DOMAIN = 20,
  VIR_FROM_UML = 21,
  VIR_FROM_NODEDEV = 22,
  VIR_FROM_XEN_INOTIFY = 23,
  VIR_FROM_SECURITY = 24,
  VIR_FROM_VBOX = 25,
  VIR_FROM_INTERFACE = 26,
  VIR_FROM_ONE = 27,
  VIR_FROM_ESX = 28,
  VIR_FROM_PHYP = 29,
  VIR_FROM_SECRET = 30,
  VIR_FROM_CPU = 31,
  VIR_FROM_XENAPI = 32,
  VIR_FROM_NWFILTER = 33,
  VIR_FROM_HOOK = 34,
  VIR_FROM_DOMAIN_SNAPSHOT = 35,
  VIR_FROM_AUDIT = 36,
  VIR_FROM_SYSINFO = 37,
  VIR_FROM_STREAMS = 38,
  VIR_FROM_VMWARE = 39,
  VIR_FROM_EVENT = 40,
  VIR_FROM_LIBXL = 41,
  VIR_FROM_LOCKING = 42,
  VIR_FROM_HYPERV = 43,
  VIR_FROM_CAPABILITIES = 44,
  VIR_FROM_URI = 45,
  VIR_FROM_AUTH = 46,
  VIR_FROM_DBUS = 47,
  VIR_FROM_PARALLELS = 48,
  VIR_FROM_DEVICE = 49,
  VIR_FROM_SSH = 50,
  VIR_FROM_LOCKSPACE = 51,
  VIR_FROM_INITCTL = 52,
  VIR_FROM_IDENTITY = 53,
  VIR_FROM_CGROUP = 54,
  VIR_FROM_ACCESS = 55,
  VIR_FROM_SYSTEMD = 56,
  VIR_FROM_BHYVE = 57,
  VIR_FROM_CRYPTO = 58,
  VIR_FROM_FIREWALL = 59,
  VIR_FROM_POLKIT = 60,
  VIR_FROM_THREAD = 61,
  VIR_FROM_ADMIN = 62,
  VIR_FROM_LOGGING = 63,
  VIR_FROM_XENXL = 64,
  VIR_FROM_PERF = 65,
  VIR_FROM_LIBSSH = 66,
  VIR_FROM_RESCTRL = 67,
  VIR_FROM_FIREWALLD = 68,
  VIR_FROM_DOMAIN_CHECKPOINT = 69,
  VIR_FROM_TPM = 70,
  VIR_FROM_BPF = 71,
  VIR_FROM_CH = 72
#ifdef VIR_ENUM_SENTINELS
  ,
  VIR_ERR_DOMAIN_LAST
#endif
} virErrorDomain;

typedef enum {
  VIR_ERR_OK = 0,
  VIR_ERR_INTERNAL_ERROR = 1,
  VIR_ERR_NO_MEMORY = 2,
  VIR_ERR_NO_SUPPORT = 3,
  VIR_ERR_UNKNOWN_HOST = 4,
  VIR_ERR_NO_CONNECT = 5,
  VIR_ERR_INVALID_CONN = 6,
  VIR_ERR_INVALID_DOMAIN = 7,
  VIR_ERR_INVALID_ARG = 8,
  VIR_ERR_OPERATION_FAILED = 9,
  VIR_ERR_GET_FAILED = 10,
  VIR_ERR_POST_FAILED = 11,
  VIR_ERR_HTTP_ERROR = 12,
  VIR_ERR_SEXPR_SERIAL = 13,
  VIR_ERR_NO_XEN = 14,
  VIR_ERR_XEN_CALL = 15,
  VIR_ERR_OS_TYPE = 16,
  VIR_ERR_NO_KERNEL = 17,
  VIR_ERR_NO_ROOT = 18,
  VIR_ERR_NO_SOURCE = 19,
  VIR_ERR_NO_TARGET = 20,
  VIR_ERR_NO_NAME = 21,
  VIR_ERR_NO_OS = 22,
  VIR_ERR_NO_DEVICE = 23,
  VIR_ERR_NO_XENSTORE = 24,
  VIR_ERR_DRIVER_FULL = 25,
  VIR_ERR_CALL_FAILED = 26,
  VIR_ERR_XML_ERROR = 27,
  VIR_ERR_DOM_EXIST = 28,
  VIR_ERR_OPERATION_DENIED = 29,
  VIR_ERR_OPEN_FAILED = 30,
  VIR_ERR_READ_FAILED = 31,
  VIR_ERR_PARSE_FAILED = 32,
  VIR_ERR_CONF_SYNTAX = 33,
  VIR_ERR_WRITE_FAILED = 34,
  VIR_ERR_XML_DETAIL = 35,
  VIR_ERR_INVALID_NETWORK = 36,
  VIR_ERR_NETWORK_EXIST = 37,
  VIR_ERR_SYSTEM_ERROR = 38,
  VIR_ERR_RPC = 39,
  VIR_ERR_GNUTLS_ERROR = 40,
  VIR_WAR_NO_NETWORK = 41,
  VIR_ERR_NO_DOMAIN = 42,
  VIR_ERR_NO_NETWORK = 43,
  VIR_ERR_INVALID_MAC = 44,
  VIR_ERR_AUTH_FAILED = 45,
  VIR_ERR_INVALID_STORAGE_POOL = 46,
  VIR_ERR_INVALID_STORAGE_VOL = 47,
  VIR_WAR_NO_STORAGE = 48,
  VIR_ERR_NO_STORAGE_POOL = 49,
  VIR_ERR_NO_STORAGE_VOL = 50,
  VIR_WAR_NO_NODE = 51,
  VIR_ERR_INVALID_NODE_DEVICE = 52,
  VIR_ERR_NO_NODE_DEVICE = 53,
  VIR_ERR_NO_SECURITY_MODEL = 54,
  VIR_ERR_OPERATION_INVALID = 55,
  VIR_WAR_NO_INTERFACE = 56,
  VIR_ERR_NO_INTERFACE = 57,
  VIR_ERR_INVALID_INTERFACE = 58,
  VIR_ERR_MULTIPLE_INTERFACES = 59,
  VIR_WAR_NO_NWFILTER = 60,
  VIR_ERR_INVALID_NWFILTER = 61,
  VIR_ERR_NO_NWFILTER = 62,
  VIR_ERR_BUILD_FIREWALL = 63,
  VIR_WAR_NO_SECRET = 64,
  VIR_ERR_INVALID_SECRET = 65,
  VIR_ERR_NO_SECRET = 66,
  VIR_ERR_CONFIG_UNSUPPORTED = 67,
  VIR_ERR_OPERATION_TIMEOUT = 68,
  VIR_ERR_MIGRATE_PERSIST_FAILED = 69,
  VIR_ERR_HOOK_SCRIPT_FAILED = 70,
  VIR_ERR_INVALID_DOMAIN_SNAPSHOT = 71,
  VIR_ERR_NO_DOMAIN_SNAPSHOT = 72,
  VIR_ERR_INVALID_STREAM = 73,
  VIR_ERR_ARGUMENT_UNSUPPORTED = 74,
  VIR_ERR_STORAGE_PROBE_FAILED = 75,
  VIR_ERR_STORAGE_POOL_BUILT = 76,
  VIR_ERR_SNAPSHOT_REVERT_RISKY = 77,
  VIR_ERR_OPERATION_ABORTED = 78,
  VIR_ERR_AUTH_CANCELLED = 79,
  VIR_ERR_NO_DOMAIN_METADATA = 80,
  VIR_ERR_MIGRATE_UNSAFE = 81,
  VIR_ERR_OVERFLOW = 82,
  VIR_ERR_BLOCK_COPY_ACTIVE = 83,
  VIR_ERR_OPERATION_UNSUPPORTED = 84,
  VIR_ERR_SSH = 85,
  VIR_ERR_AGENT_UNRESPONSIVE = 86,
  VIR_ERR_RESOURCE_BUSY = 87,
  VIR_ERR_ACCESS_DENIED = 88,
  VIR_ERR_DBUS_SERVICE = 89,
  VIR_ERR_STORAGE_VOL_EXIST = 90,
  VIR_ERR_CPU_INCOMPATIBLE = 91,
  VIR_ERR_XML_INVALID_SCHEMA = 92,
  VIR_ERR_MIGRATE_FINISH_OK = 93,
  VIR_ERR_AUTH_UNAVAILABLE = 94,
  VIR_ERR_NO_SERVER = 95,
  VIR_ERR_NO_CLIENT = 96,
  VIR_ERR_AGENT_UNSYNCED = 97,
  VIR_ERR_LIBSSH = 98,
  VIR_ERR_DEVICE_MISSING = 99,
  VIR_ERR_INVALID_NWFILTER_BINDING = 100,
  VIR_ERR_NO_NWFILTER_BINDING = 101,
  VIR_ERR_INVALID_DOMAIN_CHECKPOINT = 102,
  VIR_ERR_NO_DOMAIN_CHECKPOINT = 103,
  VIR_ERR_NO_DOMAIN_BACKUP = 104,
  VIR_ERR_INVALID_NETWORK_PORT = 105,
  VIR_ERR_NETWORK_PORT_EXIST = 106,
  VIR_ERR_NO_NETWORK_PORT = 107,
  VIR_ERR_NO_HOSTNAME = 108,
  VIR_ERR_CHECKPOINT_INCONSISTENT = 109,
  VIR_ERR_MULTIPLE_DOMAINS = 110
#ifdef VIR_ENUM_SENTINELS
  ,
  VIR_ERR_NUMBER_LAST
#endif
} virErrorNumber;

/* As in libvirt, reading the deprecated fields below draws a compiler warning. */
#ifndef VIR_DEPRECATED
#if defined(__GNUC__) || defined(__clang__)
#define VIR_DEPRECATED __attribute__((__deprecated__))
#else
#define VIR_DEPRECATED
#endif
#endif

typedef struct _virError {
  int code;             /* virErrorNumber */
  int domain;           /* virErrorDomain */
  char *message;        /* the full message, as virsh prints it after "error: " */
  virErrorLevel level;  /* always VIR_ERR_ERROR for errors Cairn raises */
  virConnectPtr conn VIR_DEPRECATED; /* always NULL (deprecated in libvirt too) */
  virDomainPtr dom VIR_DEPRECATED;    /* NULL from Cairn (deprecated in libvirt too) */
  char *str1;           /* the code's text with "%s" where str2 goes, as libvirt fills it */
  char *str2;           /* the detail message, or NULL */
  char *str3;           /* NULL */
  int int1;             /* -1, as libvirt fills it */
  int int2;             /* -1, as libvirt fills it */
  void *net VIR_DEPRECATED;           /* always NULL (deprecated in libvirt too) */
} virError;
typedef virError *virErrorPtr;

/* An error handler: `userData` is what was given with the handler; `error` belongs to the
 * library and is valid during the call only. */
typedef void (*virErrorFunc)(void *userData, virErrorPtr error);

/* The calling thread's last error, or NULL when there is none. Owned by the thread; valid
 * until the next Cairn call on this thread. */
virErrorPtr virGetLastError(void);
/* The last error's message; "no error" when there is none. Never NULL. */
const char *virGetLastErrorMessage(void);
/* The last error's code (VIR_ERR_OK when none) and domain (VIR_FROM_NONE when none). */
int virGetLastErrorCode(void);
int virGetLastErrorDomain(void);
/* Clears the calling thread's last error. */
void virResetLastError(void);
/* Deep-copies the last error into `to` (whatever `to` held is overwritten, not freed); free
 * the copy's strings with virResetError. Returns the copied code (VIR_ERR_OK when there is
 * no error), -1 when `to` is NULL. */
int virCopyLastError(virErrorPtr to);
/* A malloc'd deep copy of the last error (all zero when there is none); free it with
 * virFreeError. */
virErrorPtr virSaveLastError(void);
/* Frees the strings of `err` and zeroes it; NULL is fine. */
void virResetError(virErrorPtr err);
/* virResetError, then frees `err` itself; for what virSaveLastError returned. */
void virFreeError(virErrorPtr err);

/* The global handler for errors whose connection has none; NULL restores the default
 * (virDefaultErrorFunc on stderr). Not thread-safe against errors being raised meanwhile in
 * libvirt; in Cairn it is. */
void virSetErrorFunc(void *userData, virErrorFunc handler);
/* The handler for errors raised by calls on `conn`, overriding the global one; NULL passes
 * them to the global handler again. NULL `conn` is ignored. */
void virConnSetErrorFunc(virConnectPtr conn, void *userData, virErrorFunc handler);
/* Prints `err` on stderr the way libvirt does ("libvirt: Test Driver error : <message>");
 * does nothing for NULL or an error whose code is VIR_ERR_OK. */
void virDefaultErrorFunc(virErrorPtr err);
/* The last error raised by a call on `conn` (from any thread), owned by `conn`; never NULL for
 * a valid `conn` (code VIR_ERR_OK when none). NULL for a NULL or invalid `conn`. */
virErrorPtr virConnGetLastError(virConnectPtr conn);
/* Deep-copies `conn`'s last error into `to` as virCopyLastError does; returns its code, -1
 * when `conn` or `to` is NULL. */
int virConnCopyLastError(virConnectPtr conn, virErrorPtr to);
/* Clears `conn`'s last error; NULL is ignored. */
void virConnResetLastError(virConnectPtr conn);

/* ---- connections and domains (libvirt-host.h, libvirt-domain.h) ---- */

/* Buffer sizes for a UUID in raw form and as a NUL-terminated string (libvirt-host.h). */
#define VIR_UUID_BUFLEN 16
#define VIR_UUID_STRING_BUFLEN (36 + 1)

/* libvirt wants it called once before anything else in threaded programs; Cairn needs no
 * global set-up, so it only returns 0. Calling it is harmless either way. */
int virInitialize(void);

virConnectPtr virConnectOpen(const char *name);
virConnectPtr virConnectOpenReadOnly(const char *name);

/* virConnectOpenAuth's flags and credentials (libvirt-host.h). Cairn's drivers run in the
 * calling process and never ask for credentials: `auth` is accepted and never called. */
typedef enum {
  VIR_CONNECT_RO = 1 << 0,         /* read-only, as virConnectOpenReadOnly */
  VIR_CONNECT_NO_ALIASES = 1 << 1  /* refused: Cairn has no URI aliases (nor has libvirt's
                                      test driver) */
} virConnectFlags;

typedef enum {
  VIR_CRED_USERNAME = 1,
  VIR_CRED_AUTHNAME = 2,
  VIR_CRED_LANGUAGE = 3,
  VIR_CRED_CNONCE = 4,
  VIR_CRED_PASSPHRASE = 5,
  VIR_CRED_ECHOPROMPT = 6,
  VIR_CRED_NOECHOPROMPT = 7,
  VIR_CRED_REALM = 8,
  VIR_CRED_EXTERNAL = 9
} virConnectCredentialType;

struct _virConnectCredential {
  int type;               /* virConnectCredentialType */
  const char *prompt;
  const char *challenge;
  const char *defresult;
  char *result;           /* malloc'd by the callback */
  unsigned int resultlen;
};
typedef struct _virConnectCredential virConnectCredential;
typedef virConnectCredential *virConnectCredentialPtr;

typedef int (*virConnectAuthCallbackPtr)(virConnectCredentialPtr cred, unsigned int ncred,
                                         void *cbdata);

struct _virConnectAuth {
  int *credtype;               /* the virConnectCredentialType values the callback handles */
  unsigned int ncredtype;
  virConnectAuthCallbackPtr cb;
  void *cbdata;
};
typedef struct _virConnectAuth virConnectAuth;
typedef virConnectAuth *virConnectAuthPtr;

/* libvirt's prompting default; in Cairn it handles no credential type and has no callback,
 * since nothing ever asks. */
extern virConnectAuthPtr virConnectAuthPtrDefault;

/* virConnectOpen, or virConnectOpenReadOnly with VIR_CONNECT_RO. Errors: any other flag is
 * VIR_ERR_INVALID_ARG ("unsupported flags (0x2) in function virConnectOpenAuth"; libvirt's
 * driver names its own open function); else as virConnectOpen. */
virConnectPtr virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags);
int virConnectClose(virConnectPtr conn);
int virConnectRef(virConnectPtr conn);
/* The canonical URI ("test:///default"), malloc'd: free() it. */
char *virConnectGetURI(virConnectPtr conn);
/* The driver's name as libvirt's driver gives it: "TEST" for test:///, "QEMU" for qemu:///.
 * A static string. */
const char *virConnectGetType(virConnectPtr conn);
/* The host's name as libvirt gives it: gethostname(), made fully qualified through the
 * resolver when it is short and not "localhost*"; malloc'd, free() it. */
char *virConnectGetHostname(virConnectPtr conn);
/* 1: Cairn's drivers run in the calling process, so a valid connection is always alive, is
 * secure (nothing crosses a network) and is not encrypted (0). -1 for an invalid `conn`. */
int virConnectIsAlive(virConnectPtr conn);
int virConnectIsSecure(virConnectPtr conn);
int virConnectIsEncrypted(virConnectPtr conn);

/* Versions are major * 1,000,000 + minor * 1,000 + micro, as in libvirt. The "library
 * version" Cairn reports is the libvirt API level this header mirrors (LIBVIR_VERSION_NUMBER,
 * libvirt 9.0.0), so that a program's feature checks ("checkpoints need 5.6.0") give the same
 * answer as with the libvirt it was written for; Cairn's own release is cairn::LibraryVersion()
 * in the C++ API. The hypervisor version (virConnectGetVersion) is not provided. */
#define LIBVIR_VERSION_NUMBER 9000000
#define LIBVIR_CHECK_VERSION(major, minor, micro) \
  ((major) * 1000000 + (minor) * 1000 + (micro) <= LIBVIR_VERSION_NUMBER)
/* *libVer = LIBVIR_VERSION_NUMBER. With `type` (a driver name, any case, e.g. "Test" or
 * "QEMU") and `typeVer` non-NULL, *typeVer = LIBVIR_VERSION_NUMBER as libvirt sets it; an
 * unknown `type` is VIR_ERR_NO_SUPPORT. Returns 0, -1 on error (VIR_ERR_INVALID_ARG when
 * `libVer` is NULL). */
int virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer);
/* *libVer = LIBVIR_VERSION_NUMBER; 0, or -1 (VIR_ERR_INVALID_ARG for a NULL `libVer`). */
int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer);

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

/* ---- domain management (libvirt-domain.h, libvirt-host.h): src/capi/virt_domain.cpp ---- */

typedef enum {
  VIR_DOMAIN_NOSTATE = 0,
  VIR_DOMAIN_RUNNING = 1,
  VIR_DOMAIN_BLOCKED = 2,
  VIR_DOMAIN_PAUSED = 3,
  VIR_DOMAIN_SHUTDOWN = 4,
  VIR_DOMAIN_SHUTOFF = 5,
  VIR_DOMAIN_CRASHED = 6,
  VIR_DOMAIN_PMSUSPENDED = 7
} virDomainState;

typedef struct _virDomainInfo {
  unsigned char state;        /* a virDomainState */
  unsigned long maxMem;       /* KiB */
  unsigned long memory;       /* KiB */
  unsigned short nrVirtCpu;
  unsigned long long cpuTime; /* ns */
} virDomainInfo;
typedef virDomainInfo *virDomainInfoPtr;

virDomainPtr virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
int virDomainGetUUID(virDomainPtr domain, unsigned char *uuid);
int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info);
/* *reason is always 0 (Cairn keeps no state reasons); reason may be NULL. */
int virDomainGetState(virDomainPtr domain, int *state, int *reason, unsigned int flags);
int virDomainIsPersistent(virDomainPtr domain);
int virDomainGetAutostart(virDomainPtr domain, int *autostart);
virDomainPtr virDomainDefineXML(virConnectPtr conn, const char *xml);
virDomainPtr virDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
int virDomainUndefine(virDomainPtr domain);
int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags);
int virDomainCreate(virDomainPtr domain);
int virDomainCreateWithFlags(virDomainPtr domain, unsigned int flags);
int virDomainDestroy(virDomainPtr domain);
int virDomainDestroyFlags(virDomainPtr domain, unsigned int flags);

/* Through the guest agent; NULL / 0 mount points: every filesystem. The number frozen or
 * thawed. */
int virDomainFSFreeze(virDomainPtr domain, const char **mountpoints, unsigned int nmountpoints,
                      unsigned int flags);
int virDomainFSThaw(virDomainPtr domain, const char **mountpoints, unsigned int nmountpoints,
                    unsigned int flags);

#define VIR_SECURITY_LABEL_BUFLEN (4096 + 1)
typedef struct _virSecurityLabel {
  char label[VIR_SECURITY_LABEL_BUFLEN];
  int enforcing;
} virSecurityLabel;
typedef virSecurityLabel *virSecurityLabelPtr;

#define VIR_SECURITY_MODEL_BUFLEN (256 + 1)
#define VIR_SECURITY_DOI_BUFLEN (256 + 1)
typedef struct _virSecurityModel {
  char model[VIR_SECURITY_MODEL_BUFLEN];
  char doi[VIR_SECURITY_DOI_BUFLEN];
} virSecurityModel;
typedef virSecurityModel *virSecurityModelPtr;

int virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel);
int virDomainGetSecurityLabel(virDomainPtr domain, virSecurityLabelPtr seclabel);

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
/* As virDomainAbortJob; no flags are defined for a backup job. */
int virDomainAbortJobFlags(virDomainPtr domain, unsigned int flags);

typedef struct _virDomainJobInfo {
  int type; /* a virDomainJobType */
  unsigned long long timeElapsed, timeRemaining;
  unsigned long long dataTotal, dataProcessed, dataRemaining;
  unsigned long long memTotal, memProcessed, memRemaining;
  unsigned long long fileTotal, fileProcessed, fileRemaining;
} virDomainJobInfo;
typedef virDomainJobInfo *virDomainJobInfoPtr;

/* The running job's figures (a backup's bytes are data and file figures, as libvirt's). */
int virDomainGetJobInfo(virDomainPtr domain, virDomainJobInfoPtr info);

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
