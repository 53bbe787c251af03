/* <libvirt/libvirt.h> for programs built against Cairn: the same C API (cairn/virt.h), found
 * under libvirt's include name so a libvirt program builds unchanged with
 * `pkg-config --cflags --libs cairn-virt`. Installed under include/cairn-virt/, never beside
 * a libvirt-dev's /usr/include/libvirt.
 *
 * What a checkpoint and backup program finds here, with libvirt 9.0's names and values:
 * connections (open, close, type, URI, host name, versions, LIBVIR_VERSION_NUMBER and
 * LIBVIR_CHECK_VERSION), domain lookup and listing, every virDomainCheckpoint* function and
 * flag, virDomainBackupBegin/GetXMLDesc, virDomainGetJobStats and its keys, virDomainAbortJob,
 * the typed-parameter getters, the job-completed event with the default event loop, and the
 * whole of virterror.h. What it does not find (networks, storage, snapshots, migration, other
 * events, libvirt-qemu.h, libvirt-admin.h, ...) fails to compile rather than at run time.
 */
#ifndef CAIRN_VIRT_LIBVIRT_H
#define CAIRN_VIRT_LIBVIRT_H
#include <cairn/virt.h>
#endif
