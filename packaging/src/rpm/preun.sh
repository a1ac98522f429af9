#!/bin/sh
# %preun (orbit). $1 is 0 when the package is erased and 1 on upgrade. On erase this stops and disables the
# unit. The pods keep running (on_exit: keep).
if [ "$1" -eq 0 ]; then
  if [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now orbit.service >/dev/null 2>&1 || :
  else
    systemctl --no-reload disable orbit.service >/dev/null 2>&1 || :
  fi
fi
exit 0
