#!/bin/sh
# %postun (orbit). $1 is 0 after an erase and 1 after an upgrade. An upgrade restarts a running daemon, which
# adopts its pods. These scripts delete nothing, on erase or upgrade: /var/lib/orbit and the orbit user remain, and
# rpm itself keeps a changed /etc/orbit/orbit.yaml as orbit.yaml.rpmsave and every file it did not install.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart orbit.service >/dev/null 2>&1 || :
  fi
fi
exit 0
