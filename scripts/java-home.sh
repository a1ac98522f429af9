# Sourced by the scripts: selects the JDK the build needs (21+; Temurin 25 on the build machines) and says so
# clearly when it is missing. Exports JAVA_HOME and ORBIT_JAVA_FEATURE (the major version).
# The feature release of the JDK in $1: from its release file (a JVM start would cost ./orbit 150-300 ms twice).
java_feature() {
  local feature=""
  [ -r "$1/release" ] && feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  [ -n "$feature" ] || feature=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  echo "$feature"
}
if [ -z "${ORBIT_JAVA_HOME:-}" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 "${JAVA_HOME:-}"; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ "$(java_feature "$candidate")" -ge 21 ] 2>/dev/null; then
      ORBIT_JAVA_HOME=$candidate
      break
    fi
  done
fi
if [ -z "${ORBIT_JAVA_HOME:-}" ]; then
  echo "orbit: no JDK 21+ found (looked at /usr/lib/jvm/temurin-25-jdk-amd64, temurin-21 and \$JAVA_HOME); install one or set ORBIT_JAVA_HOME" >&2
  exit 1
fi
export JAVA_HOME=$ORBIT_JAVA_HOME
ORBIT_JAVA_FEATURE=$(java_feature "$JAVA_HOME")
export ORBIT_JAVA_FEATURE
