#!/bin/bash
# build-initramfs.sh — build a tiny VM (Debian kernel with IPVS + initramfs layers) for running
# real IPVS on a host whose own kernel has none.  Re-runnable; everything big lives in $IPVSVM_WORK
# (default /var/tmp/ipvs-vm), never in the repo.
#
# Output ($IPVSVM_WORK/out):
#   vmlinuz            Debian's linux-image-*-amd64 kernel (IPVS as modules)
#   vmlinux            the same kernel uncompressed (ELF, PVH entry) — boots ~2.5 s faster
#   base.cpio.gz       busybox, /init, ip_vs* + 9p/virtio modules, ipvsadm + its libs
#   keepalived.cpio.zst  (layer) keepalived + its libs
#   node.cpio.zst      (layer) host's /usr/bin/node + its libs
#   kver               kernel version string
# run.sh concatenates base + chosen layers + a per-run job cpio into one initrd (the kernel
# unpacks concatenated cpio archives in order, each with its own compression).
#
# Usage: build-initramfs.sh [--no-node] [--no-keepalived] [--force]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
W=${IPVSVM_WORK:-/var/tmp/ipvs-vm}
want_node=1 want_ka=1 force=0
for a in "$@"; do
  case $a in
    --no-node) want_node=0 ;;
    --no-keepalived) want_ka=0 ;;
    --force) force=1 ;;
    *) echo "unknown arg $a" >&2; exit 2 ;;
  esac
done
t0=$(date +%s.%N)
mkdir -p "$W"/debs "$W"/out
# Several engineers (and test runs) share $W: serialise builds so nobody boots a half-written initrd.
exec 9>"$W/.build.lock"
flock 9

# ---- host packages --------------------------------------------------------------------------
need=()
for p in qemu-system-x86 busybox-static ipvsadm iproute2 cpio kmod zstd gzip xz-utils; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ "$want_ka" = 1 ] && { dpkg -s keepalived >/dev/null 2>&1 || need+=(keepalived); }
if [ ${#need[@]} -gt 0 ]; then
  echo "apt-get install ${need[*]}"
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# ---- kernel: Debian's linux-image-amd64 target, unpacked (not installed) ---------------------
resolve_kpkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
kpkg=$(resolve_kpkg)
[ -n "$kpkg" ] || { apt-get update -qq || true; kpkg=$(resolve_kpkg); }
[ -n "$kpkg" ] || { echo "cannot resolve linux-image-amd64 (apt-get update failed?)" >&2; exit 1; }
kver=${kpkg#linux-image-}
K="$W/kernel"
if [ "$force" = 1 ] || [ ! -f "$K/boot/vmlinuz-$kver" ]; then
  rm -rf "$K"; mkdir -p "$K"
  deb=$(ls "$W"/debs/"${kpkg}"_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    (cd "$W/debs" && apt-get download "$kpkg" 2>&1 | grep -v unsandboxed || true)
    deb=$(ls "$W"/debs/"${kpkg}"_*.deb | head -1)
  fi
  echo "unpacking $deb"
  dpkg-deb -x "$deb" "$K"
  depmod -b "$K" "$kver"
fi
cp "$K/boot/vmlinuz-$kver" "$W/out/vmlinuz"
# Uncompressed ELF vmlinux: the Debian kernel has CONFIG_PVH=y, so QEMU can start it at its PVH
# entry point directly, skipping SeaBIOS and the xz decompression of the bzImage — which under
# TCG costs ~2.5 s of a ~6.3 s smoke run (3.7 s with vmlinux).
if [ ! -s "$W/out/vmlinux" ] || [ "$(cat "$W/out/vmlinux.kver" 2>/dev/null)" != "$kver" ]; then
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$W/out/vmlinuz" | head -1 | cut -d: -f1 || true)
  tail -c +$((off + 1)) "$W/out/vmlinuz" | xz -dc 2>/dev/null > "$W/out/vmlinux.tmp" || true
  if [ "$(head -c 4 "$W/out/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
    mv "$W/out/vmlinux.tmp" "$W/out/vmlinux"; echo "$kver" > "$W/out/vmlinux.kver"
  else
    echo "warning: could not extract vmlinux; run.sh will boot the bzImage (slower)" >&2
    rm -f "$W/out/vmlinux.tmp" "$W/out/vmlinux"
  fi
fi
echo "$kver" > "$W/out/kver"
MODDIR="$K/lib/modules/$kver"

# ---- helpers ----------------------------------------------------------------------------------
# copy_bin ROOT FILE...: copy each executable and every shared library ldd reports for it
copy_bin() {
  local root=$1; shift
  local f lib
  for f in "$@"; do
    install -D -m 0755 "$f" "$root$f"
    for lib in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} $1 ~ /^\//{print $1}'); do
      [ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done
  done
}
# mods_closure MOD...: print module paths (relative to MODDIR) in load order, deps first
mods_closure() {
  local m
  for m in "$@"; do
    modprobe -d "$K" -S "$kver" --show-depends "$m" | awk '$1=="insmod"{print $2}'
  done | sed "s#^$MODDIR/##" | awk '!seen[$0]++'
}
mkcpio() { # DIR -> stdout (newc, root-owned)
  (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
}

# ---- base layer -------------------------------------------------------------------------------
R="$W/root-base"; rm -rf "$R"; mkdir -p "$R"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,lib/x86_64-linux-gnu,lib64,proc,sys,dev,tmp,run,mnt/host,etc/ipvsvm,var/run,root}
copy_bin "$R" /usr/sbin/ipvsadm
# iproute2's ip (busybox ip lacks veth/netns); /usr/bin is ahead of busybox's /sbin in PATH
copy_bin "$R" "$(readlink -f "$(command -v ip)")"
# /bin/sh is dash, plus bash: Debian's busybox sh prefers its own applets over PATH, so under it
# `ip` would be busybox's ip (no netns, no veth) even though iproute2's is first in PATH
copy_bin "$R" "$(readlink -f /bin/dash)" "$(readlink -f /bin/bash)"
ln -sf /usr/bin/dash "$R/bin/sh"; ln -sf /usr/bin/bash "$R/bin/bash"
install -m 0755 /bin/busybox "$R/bin/busybox"
for app in $(/bin/busybox --list-full); do
  [ -e "$R/$app" ] || [ -L "$R/$app" ] || ln -s /bin/busybox "$R/$app"
done

boot_mods=(ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_fo ip_vs_ovf ip_vs_lblc ip_vs_lblcr
           ip_vs_dh ip_vs_sh ip_vs_mh ip_vs_sed ip_vs_nq)
share_mods=(virtio_pci 9pnet_virtio 9p)
extra_mods=(dummy veth ip_vs_ftp xt_ipvs)   # shipped, not loaded at boot (modprobe them in a job)
mods_closure "${boot_mods[@]}" > "$R/etc/ipvsvm/modules.boot"
mods_closure "${share_mods[@]}" > "$R/etc/ipvsvm/modules.share"
{ mods_closure "${boot_mods[@]}" "${share_mods[@]}" "${extra_mods[@]}"; } | while read -r m; do
  install -D -m 0644 "$MODDIR/$m" "$R/lib/modules/$kver/$m"
done
cp "$MODDIR"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$kver/" 2>/dev/null || true
depmod -b "$R" "$kver"
echo "$kver" > "$R/etc/ipvsvm/kver"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"
printf '127.0.0.1 localhost\n' > "$R/etc/hosts"
install -m 0755 "$here/init" "$R/init"
mkcpio "$R" | gzip -1 > "$W/out/base.cpio.gz"

# ---- optional layers --------------------------------------------------------------------------
if [ "$want_ka" = 1 ]; then
  L="$W/root-keepalived"; rm -rf "$L"; mkdir -p "$L/etc/keepalived"
  copy_bin "$L" /usr/sbin/keepalived
  mkcpio "$L" | zstd -q -3 -T0 > "$W/out/keepalived.cpio.zst"
fi
if [ "$want_node" = 1 ] && [ -x /usr/bin/node ]; then
  L="$W/root-node"; rm -rf "$L"; mkdir -p "$L"
  copy_bin "$L" "$(readlink -f /usr/bin/node)"
  [ "$(readlink -f /usr/bin/node)" = /usr/bin/node ] || ln -sf "$(readlink -f /usr/bin/node)" "$L/usr/bin/node"
  mkcpio "$L" | zstd -q -3 -T0 > "$W/out/node.cpio.zst"
fi

t1=$(date +%s.%N)
ls -la "$W/out"
awk -v k="$kver" -v a="$t0" -v b="$t1" 'BEGIN{printf "kernel %s; built in %.1f s\n", k, b-a}' 
