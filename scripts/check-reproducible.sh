#!/usr/bin/env bash
# Builds the packages twice from two clones of HEAD's commit (different paths, at least a minute apart) and compares the
# .tar.gz, .deb and .rpm byte for byte (sha256). Exits 1 if any differs. Takes about three minutes.
#
# Usage: scripts/check-reproducible.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home.sh"
work=$(mktemp -d /tmp/orbit-repro.XXXX)
trap 'rm -rf "$work"' EXIT
rev=$(git -C "$root" rev-parse HEAD) # one commit for both builds, whatever lands meanwhile
build() { # clone name
  git clone -q "$root" "$work/$1"
  git -C "$work/$1" checkout -q --detach "$rev"
  (cd "$work/$1" && ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true)
}
build first
sleep 61 # a build that used the clock would now differ in its minutes
build second
status=0
for artifact in "$work"/first/packaging/target/*.tar.gz "$work"/first/packaging/target/*.deb \
    "$work"/first/packaging/target/*.rpm; do
  name=$(basename "$artifact")
  a=$(sha256sum <"$artifact" | cut -d' ' -f1)
  b=$(sha256sum <"$work/second/packaging/target/$name" | cut -d' ' -f1)
  if [ "$a" = "$b" ]; then
    echo "same      $a  $name"
  else
    echo "DIFFERENT $a $b  $name"
    status=1
  fi
done
exit "$status"
