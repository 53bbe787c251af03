#!/bin/sh
# A libvirt program builds unchanged against an installed Cairn: installs the build tree's
# library part (component libcairn) into a temporary prefix, compiles PROGRAM.c with the flags of that prefix's cairn-virt.pc while
# libvirt-dev's /usr/include/libvirt is present, checks that Cairn's headers and libcairn (not
# libvirt's) were used, runs it, and requires the output the same program gives when built
# with `pkg-config libvirt`.
#
# usage: drop_in_via_pkg_config.sh BUILD_DIR PROGRAM.c
set -eu
BUILD=$1
SRC=$2
if [ ! -d /usr/include/libvirt ] || ! pkg-config --exists libvirt; then
  echo "FAIL: needs libvirt-dev installed beside Cairn (scripts/install-deps)" >&2
  exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix

cmake --install "$BUILD" --prefix "$PREFIX" --component libcairn >"$WORK/install.log"
pc=$(find "$PREFIX" -name cairn-virt.pc)
[ -n "$pc" ] || { echo "FAIL: cmake --install put no cairn-virt.pc under $PREFIX" >&2; exit 1; }
export PKG_CONFIG_PATH="${pc%/*}"
flags=$(pkg-config --cflags --libs cairn-virt)
libdir=$(pkg-config --variable=libdir cairn-virt)

# shellcheck disable=SC2086
cc -std=c99 -Wall -Wextra -Werror "$SRC" $flags -Wl,-rpath,"$libdir" -o "$WORK/with_cairn"
# shellcheck disable=SC2086
cc -std=c99 -M "$SRC" $(pkg-config --cflags cairn-virt) | tr ' \\' '\n\n' >"$WORK/headers"
if ! grep -q "^$PREFIX/.*/cairn-virt/libvirt/libvirt.h$" "$WORK/headers" ||
   ! grep -q "^$PREFIX/.*/cairn-virt/libvirt/virterror.h$" "$WORK/headers"; then
  echo "FAIL: the program did not include Cairn's installed <libvirt/*.h>:" >&2
  grep "libvirt" "$WORK/headers" >&2
  exit 1
fi
if grep -q "^/usr/include/libvirt/" "$WORK/headers"; then
  echo "FAIL: libvirt-dev's headers were used:" >&2
  grep "^/usr/include/libvirt/" "$WORK/headers" >&2
  exit 1
fi
ldd "$WORK/with_cairn" >"$WORK/ldd"
if ! grep -q "libcairn\.so.*=> $libdir/" "$WORK/ldd" || grep -q "libvirt\.so" "$WORK/ldd"; then
  echo "FAIL: not linked with the installed libcairn alone:" >&2
  cat "$WORK/ldd" >&2
  exit 1
fi

# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror "$SRC" $(pkg-config --cflags --libs libvirt) -o "$WORK/with_libvirt"
"$WORK/with_libvirt" >"$WORK/libvirt.out" 2>&1 </dev/null; echo "exit $?" >>"$WORK/libvirt.out"
"$WORK/with_cairn" >"$WORK/cairn.out" 2>&1 </dev/null; echo "exit $?" >>"$WORK/cairn.out"
diff -u "$WORK/libvirt.out" "$WORK/cairn.out" || { echo "FAIL: output differs from libvirt's" >&2; exit 1; }
cat "$WORK/cairn.out"
