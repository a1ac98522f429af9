#!/bin/sh
# %pre (orbit): creates the orbit system user and group before the files are installed. $1 is 1 on install and
# 2 on upgrade.
if ! getent group orbit >/dev/null; then
  groupadd --system orbit
fi
if ! getent passwd orbit >/dev/null; then
  useradd --system --gid orbit --home-dir /var/lib/orbit --no-create-home \
    --shell /usr/sbin/nologin --comment "Orbit container orchestrator" orbit
fi
exit 0
