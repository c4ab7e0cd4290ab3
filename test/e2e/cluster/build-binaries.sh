#!/usr/bin/env bash
# Builds the pinned Kubernetes control-plane binaries from Go modules and caches them
# outside the repository, keyed by version. Prints progress; does nothing on a cache hit.
#
#   WEFT_CACHE_DIR   cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/weft)
#
# Prints the bin directory on the last line of stdout.
set -euo pipefail

# 1.33.4: every staging module of this release is served by the module proxy (1.33.5 lacks some).
K8S_VERSION="${K8S_VERSION:-1.33.4}"
ETCD_VERSION="${ETCD_VERSION:-3.5.21}"
KWOK_VERSION="${KWOK_VERSION:-0.7.0}"

CACHE_ROOT="${WEFT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/weft}"
KEY="k8s-v${K8S_VERSION}-etcd-v${ETCD_VERSION}-kwok-v${KWOK_VERSION}"
BIN="$CACHE_ROOT/$KEY/bin"
STAGES="$CACHE_ROOT/$KEY/stages"
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)

# Runs a quiet go command; on failure prints the tail of its output.
quiet() {
  local out="$WORK/quiet.log"
  if ! "$@" >"$out" 2>&1; then log "failed: $*"; grep -v '^go: downloading' "$out" | tail -n 30 >&2; return 1; fi
}

log() { printf '[weft-build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

complete() {
  for b in "${BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done
  [[ -f "$STAGES/pod-ready.yaml" ]]
}

if complete; then
  log "cache hit: $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { log "go is not on PATH; a Go toolchain is needed to build the test control plane"; exit 1; }
mkdir -p "$BIN" "$STAGES"

# Several checkouts (or a test run and a benchmark) may start at once: one builds, the others wait.
exec 9>"$CACHE_ROOT/$KEY.lock"
if ! flock -n 9; then
  log "another build of $KEY is running; waiting for it"
  flock 9
fi
if complete; then
  log "cache hit: $BIN"
  echo "$BIN"
  exit 0
fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/weft-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" CGO_ENABLED=0

# Runs "go build -v" and reports how many packages it has compiled every 15 s.
go_build_progress() {
  local label="$1"; shift
  local out="$WORK/$label.log" start=$SECONDS
  go build -v "$@" >"$out" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15 & wait $! || true
    kill -0 "$pid" 2>/dev/null && log "$label: $(grep -cv '^#' "$out" || true) packages compiled, $((SECONDS - start)) s"
  done
  if ! wait "$pid"; then log "$label: build failed"; tail -n 40 "$out" >&2; return 1; fi
  log "$label: done in $((SECONDS - start)) s"
}

step=0; total=4
next() { step=$((step + 1)); log "[$step/$total] $*"; }

next "kwok v$KWOK_VERSION"
if [[ ! -x "$BIN/kwok" ]]; then
  (cd "$WORK" && GOBIN="$BIN" quiet go install "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION")
fi
KWOK_DIR="$(cd "$WORK" && go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')"
cp "$KWOK_DIR/kustomize/stage/node/fast/node-initialize.yaml" \
   "$KWOK_DIR/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
   "$KWOK_DIR/kustomize/stage/pod/fast/pod-ready.yaml" \
   "$KWOK_DIR/kustomize/stage/pod/fast/pod-complete.yaml" \
   "$KWOK_DIR/kustomize/stage/pod/fast/pod-delete.yaml" "$STAGES/"
chmod u+w "$STAGES"/*.yaml

next "etcd v$ETCD_VERSION"
if [[ ! -x "$BIN/etcd" ]]; then
  mkdir -p "$WORK/etcd" && cd "$WORK/etcd"
  quiet go mod init example.invalid/etcdbuild
  quiet go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  go_build_progress etcd -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
fi

next "kubernetes v$K8S_VERSION: resolving modules"
MINOR="${K8S_VERSION#1.}"
mkdir -p "$WORK/k8s" && cd "$WORK/k8s"
quiet go mod init example.invalid/k8sbuild
GOMOD="$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
for m in $(awk '$2=="=>" && $3 ~ /^\.\/staging\/src\// {print $1}' "$GOMOD"); do
  go mod edit -replace="$m=$m@v0.$MINOR"
done
CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
quiet go get $(printf "k8s.io/kubernetes/cmd/%s@v$K8S_VERSION " "${CMDS[@]}")

next "kubernetes v$K8S_VERSION: compiling ${CMDS[*]} (a cold build takes several minutes)"
go_build_progress kubernetes -trimpath \
  -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${MINOR%%.*}" \
  -o "$BIN/" $(printf "k8s.io/kubernetes/cmd/%s " "${CMDS[@]}")

complete || { log "build finished but binaries are missing in $BIN"; exit 1; }
log "all binaries cached in $BIN"
echo "$BIN"
