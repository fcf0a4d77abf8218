#!/bin/bash
# tests/criu/experiment.sh: EXPLORATORY, not part of `make check` yet.
# Run it with `tests/vm/vm-run --stock -- tests/criu/experiment.sh` after
# `make stock-kernel`.  A container (new mount, pid, uts, ipc namespaces,
# pivot_root into a tmpfs with busybox) mounts two tmpfs lowers, a tmpfs
# upper and an overlay over them, keeps files of the overlay open, and is
# dumped, restored and dumped again with Debian's criu 3.17.1.
# Where it stands (see the closing note of the CRIU issue): dump 1 works;
# restore 1 stops at "mnt: BUG at criu/mount.c:48" while CRIU cleans the
# VM's own root mount namespace, before the container's mounts.
set -x
ip link set lo up
mount --make-rprivate /
W=$(mktemp -d /tmp/c.XXXX); mount -t tmpfs w $W
R=$W/root; mkdir -p $R; mount -t tmpfs root $R
mkdir -p $R/bin $R/proc $R/dev $R/tmp $R/l1 $R/l2 $R/up $R/ovl $R/old
cp /bin/busybox $R/bin/; for c in sh sleep cat mount umount mkdir echo setsid; do ln -s busybox $R/bin/$c; done
cat > $R/bin/init <<'IN'
#!/bin/sh
mount -t proc proc /proc
mount -t tmpfs l1 /l1; mount -t tmpfs l2 /l2; mount -t tmpfs up /up
mkdir /up/u /up/w; echo one > /l1/a; echo two > /l2/b
mount -t overlay ovl -o lowerdir=/l1:/l2,upperdir=/up/u,workdir=/up/w /ovl
echo three > /ovl/c
exec 0</l1/a 1>>/up/out 2>&1
exec 3</ovl/a
exec 4>>/ovl/c
while :; do sleep 1; done
IN
chmod +x $R/bin/init
unshare -m -p -u -i -f --propagation private sh -c "cd $R && pivot_root . old && umount -l /old && exec setsid /bin/init" < /dev/null > /dev/null 2>&1 &
sleep 2
pid=$(pgrep -n -x init)
echo "container init pid $pid"
cat /proc/$pid/mountinfo
mkdir -p $W/img1 $W/img2
criu dump -t $pid -D $W/img1 -o dump.log -v4 --tcp-established; echo "dump1 rc=$?"
grep -E "Error|rror \(" $W/img1/dump.log | head -10
criu restore -D $W/img1 -o restore.log -v4 -d; echo "restore1 rc=$?"
grep -E "Error|rror \(" $W/img1/restore.log | head -10
sleep 1
pid=$(pgrep -n -x init); echo "restored pid $pid"
cat /proc/$pid/mountinfo | grep overlay
criu dump -t $pid -D $W/img2 -o dump.log -v4; echo "dump2 rc=$?"
grep -E "Error|rror \(" $W/img2/dump.log | head -10
cp $W/img1/*.log /work/main/build/ 2>/dev/null
