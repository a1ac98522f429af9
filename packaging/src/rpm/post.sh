#!/bin/sh
# %post (orbit): creates /var/lib/orbit if it is missing and tells systemd about the unit (only when systemd is
# PID 1). It does not enable the unit: run `systemctl enable --now orbit` once the engine is set up.
if [ ! -d /var/lib/orbit ]; then
  install -d -m 0750 -o orbit -g orbit /var/lib/orbit
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
exit 0
