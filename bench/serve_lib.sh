# shellcheck shell=bash
# Sourced by the bench scripts that drive `gentrace serve`.

# start_serve GENTRACE STORE [FLAGS...]: the service on a free loopback port
# over the store STORE (its first line in STORE.out); sets serve_pid and
# serve_url, or exits if it does not start within 10 s.
start_serve() {
  local gentrace=$1 store=$2
  shift 2
  # Emptied here, not only by the redirection: the child may truncate it
  # after the loop below read a stale URL from an earlier run.
  : >"$store.out"
  "$gentrace" serve --listen=127.0.0.1:0 --store="$store" "$@" >"$store.out" 2>/dev/null &
  serve_pid=$!
  serve_url=
  for _ in $(seq 100); do
    serve_url=$(sed -n 's/.*listening on \(http[^,]*\),.*/\1/p' "$store.out")
    [[ -n $serve_url ]] && return 0
    sleep 0.1
  done
  echo "gentrace serve did not start" >&2
  exit 1
}

# stop_serve: stops the service start_serve started, if it runs.
stop_serve() {
  if [[ -n ${serve_pid:-} ]]; then
    kill "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
  fi
  serve_pid=
}

# upload_binary FILE: uploads FILE; prints its Go build ID.
upload_binary() {
  curl -sf -X PUT --data-binary @"$1" "$serve_url/v1/binaries" |
    sed -n 's/.*"goBuildId":"\([^"]*\)".*/\1/p'
}
