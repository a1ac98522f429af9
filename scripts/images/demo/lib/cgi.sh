# shellcheck shell=dash
# Sourced by every CGI script of the demo image (busybox httpd puts QUERY_STRING, REQUEST_METHOD and one
# HTTP_* variable per request header into the environment).

# Counts this request: one byte appended to /tmp/requests (appends are atomic, so concurrent requests lose
# no counts without a lock; busybox has no flock).
count_request() {
  printf . >> /tmp/requests
}

# request_count: how many CGI requests this container has served.
request_count() {
  wc -c < /tmp/requests 2>/dev/null | tr -d ' ' || echo 0
}

# param NAME: the URL-decoded value of NAME in the query string (empty when absent).
param() {
  local raw
  raw=$(printf '%s' "$QUERY_STRING" | tr '&' '\n' | sed -n "s/^$1=//p" | head -n 1)
  httpd -d "$raw"
}

# number VALUE DEFAULT MAX: VALUE when it is a whole number, else DEFAULT; capped at MAX.
number() {
  local value="$1"
  case "$value" in '' | *[!0-9]*) value=$2 ;; esac
  [ "$value" -gt "$3" ] && value=$3
  echo "$value"
}

# json STRING: STRING as a JSON string literal (quotes, backslashes and control characters escaped).
json() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr -d '\000-\037')"
}

# respond STATUS CONTENT-TYPE: the CGI header block ("Status: 200 OK" becomes busybox httpd's status line);
# the body follows on stdout.
respond() {
  local status="$1"
  case "$status" in
    200) status='200 OK' ;;
    400) status='400 Bad Request' ;;
    502) status='502 Bad Gateway' ;;
    503) status='503 Service Unavailable' ;;
  esac
  printf 'Status: %s\r\nContent-Type: %s\r\nCache-Control: no-store\r\n\r\n' "$status" "$2"
}

count_request
