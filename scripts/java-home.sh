# Sourced by the scripts: selects the JDK the build needs (21+; Temurin 25 on the build machines) and says so
# clearly when it is missing.
if [ -z "${ORBIT_JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 "${JAVA_HOME:-}"; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] \
        && [ "$("$candidate/bin/javac" -version 2>&1 | sed -E 's/javac ([0-9]+).*/\1/')" -ge 21 ]; then
      ORBIT_JAVA_HOME=$candidate
      break
    fi
  done
fi
if [ -z "${ORBIT_JAVA_HOME:-}" ]; then
  echo "orbit: no JDK 21+ found (looked at /usr/lib/jvm/temurin-25-jdk-amd64 and \$JAVA_HOME); install one or set ORBIT_JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME=$ORBIT_JAVA_HOME
