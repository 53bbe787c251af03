/* <libvirt/virterror.h> for programs built against Cairn: the error part of cairn/virt.h,
 * under libvirt's include name (see libvirt.h beside this file). */
#ifndef CAIRN_VIRT_VIRTERROR_H
#define CAIRN_VIRT_VIRTERROR_H
#include <cairn/virt.h>
#endif
