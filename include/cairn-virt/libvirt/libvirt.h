/* <libvirt/libvirt.h> for programs built against Cairn: the same C API (cairn/virt.h), found
 * under libvirt's include name so a libvirt program builds unchanged with
 * `pkg-config --cflags --libs cairn-virt`. Installed under include/cairn-virt/, never beside
 * a libvirt-dev's /usr/include/libvirt. */
#ifndef CAIRN_VIRT_LIBVIRT_H
#define CAIRN_VIRT_LIBVIRT_H
#include <cairn/virt.h>
#endif
