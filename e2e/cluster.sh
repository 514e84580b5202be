#!/usr/bin/env bash
# A real single-node Kubernetes with the real Argo Workflows controller on this machine, built from package
# registries: etcd and the Kubernetes servers in one multi-call Go binary, Debian's containerd/runc/CNI plugins,
# Argo's workflow-controller and argoexec, and s3proxy as Argo's artifact repository. See e2e/README.md.
#
#   e2e/cluster.sh up          install, build what is not cached, start everything; last stdout line: the kubeconfig
#   e2e/cluster.sh down        stop everything, remove its pods, mounts, iptables rules, bridge and cluster data
#   e2e/cluster.sh status      what runs
#   e2e/cluster.sh healthy     exit 0 when everything runs and the node is Ready; otherwise say what is wrong
#   e2e/cluster.sh build       install and build only (what up does first)
#   e2e/cluster.sh load-image IMAGE...   make podman images (localhost/NAME:TAG) available to the kubelet
#   e2e/cluster.sh prepare-namespace NS...   artifact Secret + repository ConfigMap + executor Role for workflows in NS,
#                                            which enforces the restricted Pod Security Standard
#   e2e/cluster.sh kubectl ARGS...       kubectl against the cluster
#
# Everything but the kubeconfig path goes to stderr. Must run as root (containerd, kubelet, iptables).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

# Versions: Kubernetes 1.34 is the newest that runs on this machine's cgroup v1 without opting in and speaks
# CRI v1 to Debian bookworm's containerd 1.6; etcd is the version Kubernetes 1.34.4 itself requires.
K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.4
ARGO_VERSION=v4.0.5
COREDNS_VERSION=v1.12.4   # the newest CoreDNS on Kubernetes 1.34's client libraries
S3PROXY_VERSION=4.1.0
# CSI storage: our hostpath driver (build/csi/main.go) with the Kubernetes CSI sidecars of these releases
PROVISIONER_VERSION=v6.4.0
SNAPSHOTTER_VERSION=v8.7.0

CACHE=${FERMION_E2E_CACHE:-$HOME/.cache/fermion-e2e}
STATE=${FERMION_E2E_STATE:-/var/lib/fermion-e2e}
[[ $STATE == /*fermion-e2e* ]] || { echo "cluster: FERMION_E2E_STATE must be an absolute path naming fermion-e2e (down deletes it)" >&2; exit 2; }
RUN=/run/fermion-e2e
LOGS=$STATE/logs
PKI=$STATE/pki
KUBECONFIG_ADMIN=$STATE/admin.kubeconfig

# Addresses. Every server listens on loopback or on the bridge this script creates (the kernel has no dummy
# interfaces): its gateway address is the node's address, the apiserver's and the host's as pods see it.
NODE=fermion-e2e
BRIDGE=fermion-br0
HOST_IP=10.244.0.1
POD_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
API_SERVICE_IP=10.96.0.1
API_PORT=6443
ETCD_CLIENT=127.0.0.1:32379
ETCD_PEER=127.0.0.1:32380
S3_PORT=9000
ARGO_HEALTHZ=127.0.0.1:6060
DNS_HEALTH=127.0.0.1:8181
DNS_READY=127.0.0.1:8182
CONTAINERD_SOCK=$RUN/containerd.sock
CSI_DRIVER=hostpath.csi.fermion.dev
CSI_SOCK=$STATE/kubelet/plugins/$CSI_DRIVER/csi.sock   # where the kubelet's CSI plugins go, under its root-dir
PROVISIONER_HTTP=127.0.0.1:6062
SNAPSHOTTER_HTTP=127.0.0.1:6063
SNAPSHOT_CONTROLLER_HTTP=127.0.0.1:6064

# Images the kubelet has; none is ever pulled (no registry is reachable).
PAUSE_IMAGE=localhost/fermion-e2e/pause:1
ARGOEXEC_IMAGE=localhost/fermion-e2e/argoexec:$ARGO_VERSION
DEBIAN_IMAGE=localhost/fermion-e2e/debian:bookworm

ARTIFACT_BUCKET=argo-artifacts
ARTIFACT_SECRET=fermion-e2e-artifacts

UP_TIMEOUT=${FERMION_E2E_TIMEOUT:-180}   # seconds each component gets to become ready

log() { printf '%s cluster: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# installing and building

install_packages() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v conntrack >/dev/null || missing+=(conntrack)
  command -v podman >/dev/null || missing+=(podman)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v gcc >/dev/null || missing+=(gcc)
  [[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || missing+=(libc6-dev)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
      "${missing[@]}" >&2
  fi
  command -v go >/dev/null || die "Go is needed (1.24 or newer) to build the cluster: put it on PATH"
}

# A cache key for a build: the version plus a digest of the files it is built from.
key() {
  local version=$1; shift
  printf '%s-%s' "$version" "$(cat "$@" | sha256sum | cut -c1-12)"
}

go_env() {
  export GOMODCACHE=$CACHE/go/mod GOCACHE=$CACHE/go/build GOPATH=$CACHE/go/path GOFLAGS=-mod=mod CGO_ENABLED=0
}

# One binary with etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy and kubectl.
build_kube() {
  local src=$here/build/kube
  KUBE_DIR=$CACHE/kube-$(key "$K8S_VERSION" "$src/go.mod" "$src/go.sum" "$src/main.go")
  KUBE_BIN=$KUBE_DIR/fermion-kube
  if [[ ! -x $KUBE_BIN ]]; then
    log "building etcd $ETCD_VERSION and Kubernetes $K8S_VERSION into $KUBE_BIN (a fresh build takes 15-25 minutes on 2 cores)"
    go_env
    local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
    local x="" pkg
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      x+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
      x+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
    done
    local start=$SECONDS
    rm -rf "$KUBE_DIR.tmp" && mkdir -p "$KUBE_DIR.tmp"
    (cd "$src" && go build -trimpath -ldflags "-s -w$x" -o "$KUBE_DIR.tmp/fermion-kube" .) >&2
    rm -rf "$KUBE_DIR" && mv "$KUBE_DIR.tmp" "$KUBE_DIR"
    log "built $KUBE_BIN in $((SECONDS - start)) s"
  fi
  for prog in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
    ln -sfn fermion-kube "$KUBE_DIR/$prog"
  done
}

# Argo's workflow-controller (our main, see build/argo/main.go) and argoexec (Argo's own main).
build_argo() {
  local src=$here/build/argo
  ARGO_DIR=$CACHE/argo-$(key "$ARGO_VERSION" "$src/go.mod" "$src/go.sum" "$src/main.go")
  if [[ ! -x $ARGO_DIR/workflow-controller || ! -x $ARGO_DIR/argoexec ]]; then
    log "building Argo Workflows $ARGO_VERSION into $ARGO_DIR"
    go_env
    local start=$SECONDS x="-X github.com/argoproj/argo-workflows/v4.version=$ARGO_VERSION"
    x+=" -X github.com/argoproj/argo-workflows/v4.gitTag=$ARGO_VERSION -X github.com/argoproj/argo-workflows/v4.gitTreeState=clean"
    # a build cut short leaves its .tmp folder behind: start from an empty one (the Go build cache keeps the work)
    rm -rf "$ARGO_DIR.tmp" && mkdir -p "$ARGO_DIR.tmp"
    (cd "$src" && go mod download github.com/argoproj/argo-workflows/v4) >&2
    argo_module
    # In Argo's repository workflow/executor/osspecific/signal_linux.go is a symlink to signal_darwin.go; module
    # zips drop symlinks, so the module as served lacks it and argoexec does not compile for Linux. The build
    # uses a copy of the module with the link put back (a workspace replaces the module with the copy).
    local copy=$ARGO_DIR.tmp/src
    cp -r "$ARGO_MODULE" "$copy" && chmod -R u+w "$copy"
    ln -s signal_darwin.go "$copy/workflow/executor/osspecific/signal_linux.go"
    printf 'go %s\nuse %s\nreplace github.com/argoproj/argo-workflows/v4 %s => %s\n' \
      "$(cd "$src" && go mod edit -json | sed -n 's/^\t"Go": "\(.*\)",*$/\1/p')" "$src" "$ARGO_VERSION" "$copy" >"$ARGO_DIR.tmp/go.work"
    (cd "$src" && export GOWORK=$ARGO_DIR.tmp/go.work GOFLAGS= &&
      go build -trimpath -ldflags "-s -w $x" -o "$ARGO_DIR.tmp/workflow-controller" . &&
      go build -trimpath -ldflags "-s -w $x" -o "$ARGO_DIR.tmp/argoexec" github.com/argoproj/argo-workflows/v4/cmd/argoexec) >&2
    rm -rf "$copy" "$ARGO_DIR.tmp/go.work" "$ARGO_DIR.tmp/go.work.sum"
    rm -rf "$ARGO_DIR" && mv "$ARGO_DIR.tmp" "$ARGO_DIR"
    log "built Argo in $((SECONDS - start)) s"
  fi
  argo_module
}

# Argo's module in the module cache: its manifests (CRDs, RBAC) are applied from there.
argo_module() {
  ARGO_MODULE=$(cd "$here/build/argo" && GOFLAGS=-mod=mod GOMODCACHE=$CACHE/go/mod go list -m -f '{{.Dir}}' github.com/argoproj/argo-workflows/v4)
}

# CoreDNS with the plugins the Corefile below uses (build/coredns/main.go).
build_coredns() {
  local src=$here/build/coredns
  COREDNS_DIR=$CACHE/coredns-$(key "$COREDNS_VERSION" "$src/go.mod" "$src/go.sum" "$src/main.go")
  if [[ ! -x $COREDNS_DIR/coredns ]]; then
    log "building CoreDNS $COREDNS_VERSION into $COREDNS_DIR"
    go_env
    local start=$SECONDS
    rm -rf "$COREDNS_DIR.tmp" && mkdir -p "$COREDNS_DIR.tmp"
    (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$COREDNS_DIR.tmp/coredns" .) >&2
    rm -rf "$COREDNS_DIR" && mv "$COREDNS_DIR.tmp" "$COREDNS_DIR"
    log "built CoreDNS in $((SECONDS - start)) s"
  fi
}

# The CSI storage: our hostpath driver and, from their own mains, external-provisioner, csi-snapshotter and
# snapshot-controller. One module, so that the sidecars' shared dependencies (client-go, csi-lib-utils, gRPC)
# compile once; it cannot share build/kube's, whose Kubernetes libraries are 1.34's while the sidecars need 1.37's.
build_csi() {
  local src=$here/build/csi
  CSI_DIR=$CACHE/csi-$(key "$PROVISIONER_VERSION-$SNAPSHOTTER_VERSION" "$src/go.mod" "$src/go.sum" "$src/main.go")
  if [[ ! -x $CSI_DIR/fermion-csi || ! -x $CSI_DIR/csi-provisioner || ! -x $CSI_DIR/csi-snapshotter ||
        ! -x $CSI_DIR/snapshot-controller ]]; then
    log "building the CSI driver, external-provisioner $PROVISIONER_VERSION and external-snapshotter $SNAPSHOTTER_VERSION into $CSI_DIR"
    go_env
    local start=$SECONDS
    rm -rf "$CSI_DIR.tmp" && mkdir -p "$CSI_DIR.tmp"
    (cd "$src" &&
      go build -trimpath -ldflags "-s -w" -o "$CSI_DIR.tmp/fermion-csi" . &&
      go build -trimpath -ldflags "-s -w -X main.version=$PROVISIONER_VERSION" -o "$CSI_DIR.tmp/csi-provisioner" \
        github.com/kubernetes-csi/external-provisioner/v6/cmd/csi-provisioner &&
      go build -trimpath -ldflags "-s -w -X main.version=$SNAPSHOTTER_VERSION" -o "$CSI_DIR.tmp/csi-snapshotter" \
        github.com/kubernetes-csi/external-snapshotter/v8/cmd/csi-snapshotter &&
      go build -trimpath -ldflags "-s -w -X main.version=$SNAPSHOTTER_VERSION" -o "$CSI_DIR.tmp/snapshot-controller" \
        github.com/kubernetes-csi/external-snapshotter/v8/cmd/snapshot-controller) >&2
    rm -rf "$CSI_DIR" && mv "$CSI_DIR.tmp" "$CSI_DIR"
    log "built the CSI components in $((SECONDS - start)) s"
  fi
  csi_modules
}

# The sidecars' modules in the module cache: their RBAC manifests and the VolumeSnapshot CRDs are applied from there.
csi_modules() {
  local dirs
  dirs=$(cd "$here/build/csi" && GOFLAGS=-mod=mod GOMODCACHE=$CACHE/go/mod go list -m -f '{{.Dir}}' \
    github.com/kubernetes-csi/external-provisioner/v6 github.com/kubernetes-csi/external-snapshotter/v8 \
    github.com/kubernetes-csi/external-snapshotter/client/v8)
  { read -r PROVISIONER_MODULE; read -r SNAPSHOTTER_MODULE; read -r SNAPSHOT_CLIENT_MODULE; } <<<"$dirs"
}

# An image from a root file system tar: podman imports it, and the saved docker archive is what containerd imports.
image_from_rootfs() {
  local name=$1 rootfs=$2 archive=$3; shift 3
  local changes=() c
  for c in "$@"; do changes+=(--change "$c"); done
  podman import "${changes[@]}" "$rootfs" "$name" >/dev/null
  podman save --format docker-archive -o "$archive.tmp" "$name" >&2 2>/dev/null
  mv "$archive.tmp" "$archive"
}

build_images() {
  mkdir -p "$CACHE/images"
  local tmp
  PAUSE_ARCHIVE=$CACHE/images/pause-$(key 1 "$here/images/pause.c").tar
  if [[ ! -f $PAUSE_ARCHIVE ]]; then
    log "building $PAUSE_IMAGE"
    tmp=$(mktemp -d)
    gcc -static -Os -s -o "$tmp/pause" "$here/images/pause.c"
    tar --owner=0 --group=0 -C "$tmp" -cf "$tmp/rootfs.tar" pause
    image_from_rootfs "$PAUSE_IMAGE" "$tmp/rootfs.tar" "$PAUSE_ARCHIVE" 'ENTRYPOINT ["/pause"]' 'USER 65535:65535'
    rm -rf "$tmp"
  fi
  ARGOEXEC_ARCHIVE=$CACHE/images/argoexec-$(basename "$ARGO_DIR").tar
  if [[ ! -f $ARGOEXEC_ARCHIVE ]]; then
    log "building $ARGOEXEC_IMAGE"
    tmp=$(mktemp -d)
    mkdir -p "$tmp/root/bin" "$tmp/root/etc" "$tmp/root/tmp"
    cp "$ARGO_DIR/argoexec" "$tmp/root/bin/argoexec"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nargo:x:8737:8737:argo:/home/argo:/sbin/nologin\n' >"$tmp/root/etc/passwd"
    printf 'root:x:0:\nargo:x:8737:\n' >"$tmp/root/etc/group"
    chmod 1777 "$tmp/root/tmp"
    tar --owner=0 --group=0 -C "$tmp/root" -cf "$tmp/rootfs.tar" .
    image_from_rootfs "$ARGOEXEC_IMAGE" "$tmp/rootfs.tar" "$ARGOEXEC_ARCHIVE" 'ENTRYPOINT ["/bin/argoexec"]' 'USER 8737'
    rm -rf "$tmp"
  fi
  DEBIAN_ARCHIVE=$CACHE/images/debian-bookworm-minbase.tar
  if [[ ! -f $DEBIAN_ARCHIVE ]]; then
    log "building $DEBIAN_IMAGE with mmdebstrap"
    tmp=$(mktemp -d)
    mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$tmp/rootfs.tar" >&2
    image_from_rootfs "$DEBIAN_IMAGE" "$tmp/rootfs.tar" "$DEBIAN_ARCHIVE" 'CMD ["/bin/bash"]'
    rm -rf "$tmp"
  fi
}

# s3proxy (Apache-2.0, Maven Central) with its file system back end: Argo's S3 driver (minio-go) works against it
# unchanged (V4 signatures, HEAD, multipart uploads, ListObjectsV2: smoke.sh passes a 20 MiB unarchived directory).
fetch_s3proxy() {
  S3PROXY_JAR=$CACHE/s3proxy-$S3PROXY_VERSION/s3proxy.jar
  [[ -f $S3PROXY_JAR ]] && return
  log "fetching s3proxy $S3PROXY_VERSION from Maven Central"
  local artifact=org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies
  (cd "$repo" && ./mvnw -N -B -q -ntp dependency:get -Dartifact="$artifact" -Dtransitive=false) >&2
  local m2
  m2=$(cd "$repo" && ./mvnw -N -B -q -ntp help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null) ||
    m2=$HOME/.m2/repository
  mkdir -p "$(dirname "$S3PROXY_JAR")"
  cp "$m2/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" "$S3PROXY_JAR.tmp"
  mv "$S3PROXY_JAR.tmp" "$S3PROXY_JAR"
}

# ---------------------------------------------------------------------------------------------------------------
# processes: each runs in its own session, its pid in $RUN/NAME.pid, its output in $LOGS/NAME.log

pid_of() {
  local pid
  pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  # the pid must still be the process we started, not a later one that reused the number
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == "$(cat "$RUN/$1.cmd") " ]] || return 1
  echo "$pid"
}

start() {
  local name=$1; shift
  if pid_of "$name" >/dev/null; then
    log "$name already runs"
    return
  fi
  log "starting $name"
  printf '%s' "$*" >"$RUN/$name.cmd"
  printf '\n==== %s %s\n' "$(date -Is)" "$*" >>"$LOGS/$name.log"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

stop() {
  local name=$1 pid i
  pid=$(pid_of "$name") || { rm -f "$RUN/$name.pid"; return 0; }
  log "stopping $name"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
}

# Polls CHECK until it succeeds, for at most UP_TIMEOUT seconds; fails with the component's log if it exits.
wait_for() {
  local name=$1 what=$2; shift 2
  local deadline=$((SECONDS + UP_TIMEOUT)) pid
  pid=$(cat "$RUN/$name.pid")
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited; the end of $LOGS/$name.log:"
      tail -n 40 "$LOGS/$name.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      log "$name: $what not reached in ${UP_TIMEOUT}s; the end of $LOGS/$name.log:"
      tail -n 40 "$LOGS/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  log "$name: $what"
}

# ---------------------------------------------------------------------------------------------------------------
# configuration

network_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  ip addr replace "$HOST_IP/16" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  [[ -f $STATE/ip_forward.saved ]] || cat /proc/sys/net/ipv4/ip_forward >"$STATE/ip_forward.saved"
  echo 1 >/proc/sys/net/ipv4/ip_forward                        # Service traffic to pods is routed
  echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables         # and pod-to-pod Service replies are un-NATed
}

# A client or serving certificate signed by the cluster's CA.
certificate() {
  local name=$1 subject=$2 extensions=$3
  [[ -f $PKI/$name.crt ]] && return
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 3650 \
    -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n%s\n' "$extensions") \
    -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr"
}

# Writes stdin to FILE unless FILE already holds exactly that: a running component keeps its file untouched
# (kube-proxy exits when its configuration file changes).
write_file() {
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

kubeconfig() {
  local name=$1 server=https://$HOST_IP:$API_PORT
  write_file "$STATE/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $NODE
  cluster: {server: "$server", certificate-authority: "$PKI/ca.crt"}
users:
- name: $name
  user: {client-certificate: "$PKI/$name.crt", client-key: "$PKI/$name.key"}
contexts:
- name: $NODE
  context: {cluster: $NODE, user: $name, namespace: default}
current-context: $NODE
EOF
}

pki() {
  mkdir -p "$PKI" && chmod 700 "$PKI"
  if [[ ! -f $PKI/ca.crt ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=fermion-e2e-ca" -days 3650 -out "$PKI/ca.crt" 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
    openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  local client=extendedKeyUsage=clientAuth
  certificate apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth
subjectAltName=IP:$HOST_IP,IP:$API_SERVICE_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  certificate kubelet-serving "/CN=$NODE" "extendedKeyUsage=serverAuth
subjectAltName=IP:$HOST_IP,DNS:$NODE"
  certificate apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  certificate admin "/O=system:masters/CN=fermion-e2e-admin" "$client"
  certificate controller-manager "/CN=system:kube-controller-manager" "$client"
  certificate scheduler "/CN=system:kube-scheduler" "$client"
  certificate kubelet "/O=system:nodes/CN=system:node:$NODE" "$client"
  certificate kube-proxy "/CN=system:kube-proxy" "$client"
  certificate argo-controller "/CN=fermion-e2e:argo-workflow-controller" "$client"
  certificate coredns "/CN=fermion-e2e:coredns" "$client"
  certificate csi-provisioner "/CN=fermion-e2e:csi-provisioner" "$client"
  certificate csi-snapshotter "/CN=fermion-e2e:csi-snapshotter" "$client"
  certificate snapshot-controller "/CN=fermion-e2e:snapshot-controller" "$client"
  for name in admin controller-manager scheduler kubelet kube-proxy argo-controller coredns csi-provisioner csi-snapshotter \
    snapshot-controller; do kubeconfig "$name"; done
}

containerd_config() {
  mkdir -p "$STATE/containerd" "$STATE/cni/net.d" "$STATE/cni/networks"
  write_file "$STATE/containerd/config.toml" <<EOF
# containerd for Fermion's e2e cluster: its own root, state and socket, beside the system's containerd.
version = 2
root = "$STATE/containerd/root"
state = "$RUN/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  disable_apparmor = true
  # This machine gives root no CAP_SYS_RESOURCE: runc cannot lower oom_score_adj below containerd's own (0), so
  # the kubelet's -998 for sandboxes is clamped instead of failing every pod.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        Root = "$RUN/runc"
        SystemdCgroup = false
EOF
  # The bridge is the one network_up made; no IP masquerade (pods reach only the host, each other and Services).
  write_file "$STATE/cni/net.d/10-fermion-e2e.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "fermion-e2e",
  "plugins": [
    {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$STATE/cni/networks",
              "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$HOST_IP"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "loopback"}
  ]
}
EOF
}

kubelet_config() {
  mkdir -p "$STATE/kubelet"
  echo "options ndots:5" >"$STATE/resolv.conf"   # not empty: containerd would copy the machine's
  write_file "$STATE/kubelet-config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $HOST_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
failSwapOn: false
clusterDomain: cluster.local
# Cluster DNS (CoreDNS on the host address) and none of the machine's resolvers.
clusterDNS: [$HOST_IP]
resolvConf: $STATE/resolv.conf
# Images are imported, never pulled: image garbage collection must never remove them, and a busy shared disk
# must not evict test pods.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
serializeImagePulls: false
maxPods: 110
EOF
}

kube_proxy_config() {
  write_file "$STATE/kube-proxy-config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
hostnameOverride: $NODE
clusterCIDR: $POD_CIDR
clientConnection: {kubeconfig: $STATE/kube-proxy.kubeconfig}
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: ["$HOST_IP/32"]
iptables: {localhostNodePorts: false}
oomScoreAdj: 0   # root has no CAP_SYS_RESOURCE here
# leave the machine's conntrack settings alone
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
}

kubectl() { "$KUBE_DIR/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

https_ok() { curl -sf --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1"; }

# ---------------------------------------------------------------------------------------------------------------
# up

start_control_plane() {
  start etcd "$KUBE_DIR/etcd" --name "$NODE" --data-dir "$STATE/etcd" \
    --listen-client-urls "http://$ETCD_CLIENT" --advertise-client-urls "http://$ETCD_CLIENT" \
    --listen-peer-urls "http://$ETCD_PEER" --initial-advertise-peer-urls "http://$ETCD_PEER" \
    --initial-cluster "$NODE=http://$ETCD_PEER" --unsafe-no-fsync --log-level warn
  wait_for etcd "healthy" curl -sf --max-time 2 "http://$ETCD_CLIENT/health"

  start kube-apiserver "$KUBE_DIR/kube-apiserver" --etcd-servers "http://$ETCD_CLIENT" \
    --bind-address "$HOST_IP" --advertise-address "$HOST_IP" --secure-port "$API_PORT" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" --client-ca-file "$PKI/ca.crt" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range "$SERVICE_CIDR" --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction --allow-privileged=true --profiling=false \
    --kubelet-preferred-address-types InternalIP \
    --endpoint-reconciler-type lease
  wait_for kube-apiserver "ready" https_ok "https://$HOST_IP:$API_PORT/readyz"

  start kube-controller-manager "$KUBE_DIR/kube-controller-manager" --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" --profiling=false
  start kube-scheduler "$KUBE_DIR/kube-scheduler" --kubeconfig "$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/scheduler.kubeconfig" --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
  wait_for kube-controller-manager "healthy" curl -sfk --max-time 2 https://127.0.0.1:10257/healthz
  wait_for kube-scheduler "healthy" curl -sfk --max-time 2 https://127.0.0.1:10259/healthz
}

# CoreDNS answers for cluster.local (Services, pods) on the host address, port 53; other names get no answer.
start_dns() {
  kubectl apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "fermion-e2e:coredns"}
rules:
- {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "fermion-e2e:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "fermion-e2e:coredns"}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "fermion-e2e:coredns"}]
EOF
  write_file "$STATE/Corefile" <<EOF
.:53 {
    bind $HOST_IP
    errors
    health $DNS_HEALTH
    ready $DNS_READY
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $STATE/coredns.kubeconfig $NODE
        pods insecure
    }
    cache 30
    loadbalance
}
EOF
  start coredns "$COREDNS_DIR/coredns" -conf "$STATE/Corefile"
  wait_for coredns "ready on $HOST_IP:53" curl -sf --max-time 2 "http://$DNS_READY/ready"
}

import_images() {
  local archive stamp
  for archive in "$PAUSE_ARCHIVE" "$ARGOEXEC_ARCHIVE" "$DEBIAN_ARCHIVE"; do
    # containerd's root lives as long as the state dir: a stamp there says the archive is in already
    stamp=$STATE/containerd/imported-$(basename "$archive")
    [[ -f $stamp ]] && continue
    ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$archive" >/dev/null
    touch "$stamp"
  done
  log "containerd has $PAUSE_IMAGE, $ARGOEXEC_IMAGE, $DEBIAN_IMAGE"
}

start_node() {
  containerd_config
  start containerd containerd --config "$STATE/containerd/config.toml"
  wait_for containerd "serving" ctr --address "$CONTAINERD_SOCK" version
  import_images

  kubelet_config
  start_kubelet
  kube_proxy_config
  start kube-proxy "$KUBE_DIR/kube-proxy" --config "$STATE/kube-proxy-config.yaml"
  wait_for kubelet "node $NODE is Ready" node_ready
  wait_for kube-proxy "healthy" curl -sf --max-time 2 http://127.0.0.1:10256/healthz
}

# The kubelet exits at once when containerd's CRI service is still recovering the containers of a cluster that was
# stopped without 'down' ("server is not initialized yet"), and 'ctr version' answers before that service does:
# the kubelet is started again until it stays up and answers on its health port.
start_kubelet() {
  local deadline=$((SECONDS + UP_TIMEOUT)) pid
  until pid=$(pid_of kubelet) && curl -sf --max-time 2 http://127.0.0.1:10248/healthz >/dev/null 2>&1; do
    if [[ -z ${pid:-} ]]; then
      start kubelet "$KUBE_DIR/kubelet" --config "$STATE/kubelet-config.yaml" --kubeconfig "$STATE/kubelet.kubeconfig" \
        --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet/pki" --hostname-override "$NODE" --node-ip "$HOST_IP" \
        --oom-score-adj 0
      KUBELET_STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    fi
    if ((SECONDS > deadline)); then
      log "kubelet: not healthy in ${UP_TIMEOUT}s; the end of $LOGS/kubelet.log:"
      tail -n 40 "$LOGS/kubelet.log" >&2
      exit 1
    fi
    sleep 1
  done
  log "kubelet: healthy"
}

# Ready, as reported by the kubelet that runs now: etcd keeps the last status of a kubelet that is gone, and the
# node controller marks it NotReady only 40 s later.
node_ready() {
  local ready heartbeat
  read -r ready heartbeat < <(kubectl get node "$NODE" \
    -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}')
  [[ $ready == True && ! $heartbeat < ${KUBELET_STARTED:-} ]]
}

s3_credentials() {
  if [[ ! -f $STATE/s3.credentials ]]; then
    (umask 077 && printf 'S3_ACCESS_KEY=fermion-e2e\nS3_SECRET_KEY=%s\n' "$(openssl rand -hex 20)" >"$STATE/s3.credentials")
  fi
  # shellcheck source=/dev/null
  source "$STATE/s3.credentials"
}

start_artifacts() {
  s3_credentials
  mkdir -p "$STATE/s3/$ARTIFACT_BUCKET"
  (umask 077 && write_file "$STATE/s3proxy.properties" <<EOF
s3proxy.endpoint=http://$HOST_IP:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$STATE/s3
EOF
  )
  start s3proxy java -Xmx256m -jar "$S3PROXY_JAR" --properties "$STATE/s3proxy.properties"
  wait_for s3proxy "serving on $HOST_IP:$S3_PORT" curl -s --max-time 2 -o /dev/null "http://$HOST_IP:$S3_PORT/"
}

# The default artifact repository, both as the controller's default and as a namespace's artifact-repositories
# ConfigMap (what `fermion compile --artifact-repository-ref` names).
artifact_repository_yaml() {
  cat <<EOF
s3:
  bucket: $ARTIFACT_BUCKET
  endpoint: $HOST_IP:$S3_PORT
  insecure: true
  accessKeySecret: {name: $ARTIFACT_SECRET, key: accesskey}
  secretKeySecret: {name: $ARTIFACT_SECRET, key: secretkey}
EOF
}

# Makes NAMESPACE ready for workflows: the artifact credentials Secret, the artifact-repositories ConfigMap, and
# the executor Role (Argo's recommended minimum) bound to the namespace's default service account.
prepare_namespace() {
  local ns=$1
  s3_credentials
  namespace "$ns"
  # Kubernetes' own Pod Security admission refuses any pod of the namespace that is not "restricted": every pod a
  # workflow runs (steps, Argo's executor containers, resource steps) and every Deployment a deploy step makes.
  kubectl label namespace "$ns" --overwrite pod-security.kubernetes.io/enforce=restricted \
    pod-security.kubernetes.io/enforce-version=latest >/dev/null
  # values through file descriptors, never on a command line
  kubectl -n "$ns" create secret generic "$ARTIFACT_SECRET" --from-file=accesskey=<(printf %s "$S3_ACCESS_KEY") \
    --from-file=secretkey=<(printf %s "$S3_SECRET_KEY") --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl -n "$ns" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: artifact-repositories
  annotations: {workflows.argoproj.io/default-artifact-repository: default-v1}
data:
  default-v1: |
$(artifact_repository_yaml | sed 's/^/    /')
EOF
  kubectl -n "$ns" apply -f "$ARGO_MODULE/manifests/quick-start/base/executor/emissary/executor-role.yaml" \
    -f "$ARGO_MODULE/manifests/quick-start/base/executor-default-rolebinding.yaml" >/dev/null
}

# Argo's CRDs are applied while the node starts: a fresh apiserver takes tens of seconds over their schemas.
apply_crds() {
  # All eight of Argo's CRDs, of the controller's own version: the controller needs them all. The kinds Fermion
  # writes (Workflow, WorkflowTemplate, CronWorkflow) get the full schemas, so that the apiserver validates them as
  # strictly as it can; ClusterWorkflowTemplate's full schema would only add as much apiserver time (2.5 MB each).
  # Server-side: the full CRDs are too large for apply's last-applied annotation.
  local crds=() crd
  for crd in "$ARGO_MODULE"/manifests/base/crds/full/argoproj.io_*.yaml; do
    [[ $crd == */argoproj.io_clusterworkflowtemplates.yaml ]] && crd=${crd/\/full\//\/minimal\/}
    crds+=(-f "$crd")
  done
  kubectl apply --server-side --force-conflicts "${crds[@]}" >/dev/null
  kubectl wait --for condition=established --timeout "${UP_TIMEOUT}s" crd --all >/dev/null
}

namespace() { kubectl get namespace "$1" >/dev/null 2>&1 || kubectl create namespace "$1" >/dev/null; }

start_argo() {
  namespace argo
  kubectl apply -f "$ARGO_MODULE/manifests/cluster-install-no-crds/workflow-controller-rbac/workflow-controller-clusterrole.yaml" >/dev/null
  kubectl -n argo apply -f "$ARGO_MODULE/manifests/cluster-install-no-crds/workflow-controller-rbac/workflow-controller-role.yaml" >/dev/null
  kubectl apply -f - >/dev/null <<EOF
# The controller runs on the host with a client certificate for this user, bound to Argo's own roles.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: fermion-e2e-argo-controller}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: argo-cluster-role}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "fermion-e2e:argo-workflow-controller"}]
---
# Memoization writes cache ConfigMaps: Argo's docs ask to add these verbs to argo-cluster-role.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "fermion-e2e:argo-memoize"}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [create, update]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "fermion-e2e:argo-memoize"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "fermion-e2e:argo-memoize"}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "fermion-e2e:argo-workflow-controller"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: fermion-e2e-argo-controller, namespace: argo}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: argo-role}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "fermion-e2e:argo-workflow-controller"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: workflow-controller-configmap, namespace: argo}
data:
  # Executor containers (init, wait) run like Fermion's own: non-root, no privilege escalation, no capabilities,
  # and as the pod's user (the image's 8737 when the pod names none): an init container running as another user
  # leaves unarchived input directories unreadable to the step (mode 0700).
  executor: |
    imagePullPolicy: Never
    securityContext:
      runAsNonRoot: true
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
      seccompProfile: {type: RuntimeDefault}
  artifactRepository: |
$(artifact_repository_yaml | sed 's/^/    /')
  # no metrics servers: nothing listens beyond loopback
  metricsConfig: |
    enabled: false
  telemetryConfig: |
    enabled: false
EOF
  prepare_namespace default
  start workflow-controller "$ARGO_DIR/workflow-controller" --kubeconfig "$STATE/argo-controller.kubeconfig" \
    --namespace argo --executor-image "$ARGOEXEC_IMAGE" --executor-image-pull-policy Never \
    --healthz-address "$ARGO_HEALTHZ"
  wait_for workflow-controller "healthy" curl -sf --max-time 2 "http://$ARGO_HEALTHZ/healthz"
}

# The ClusterRole documents of a manifest (the sidecars' RBAC files also hold service accounts, bindings and
# leader-election Roles for in-cluster deployments; here each runs on the host as its own user, without leader election).
cluster_roles() {
  awk 'function flush() { if (doc ~ /(^|\n)kind: ClusterRole\n/) printf "---\n%s", doc; doc = "" }
       /^---/ { flush(); next } { doc = doc $0 "\n" } END { flush() }' "$1"
}

# The CSI storage: the VolumeSnapshot CRDs, the CSIDriver, a default StorageClass and VolumeSnapshotClass, then our
# driver (it registers with the kubelet) and the sidecars, each on the host with its own user bound to its own
# ClusterRole from its module.
start_csi() {
  # the VolumeGroupSnapshot CRDs too: snapshot-controller v8.7 waits for them before it starts
  local crds=() crd
  for crd in "$SNAPSHOT_CLIENT_MODULE"/config/crd/*snapshot.storage.k8s.io_*.yaml; do crds+=(-f "$crd"); done
  kubectl apply "${crds[@]}" >/dev/null
  kubectl wait --for condition=established --timeout "${UP_TIMEOUT}s" "${crds[@]}" >/dev/null
  {
    cluster_roles "$PROVISIONER_MODULE/deploy/kubernetes/rbac.yaml"
    cluster_roles "$SNAPSHOTTER_MODULE/deploy/kubernetes/csi-snapshotter/rbac-csi-snapshotter.yaml"
    cluster_roles "$SNAPSHOTTER_MODULE/deploy/kubernetes/snapshot-controller/rbac-snapshot-controller.yaml"
  } | kubectl apply -f - >/dev/null
  local binding role user
  for binding in external-provisioner-runner:csi-provisioner external-snapshotter-runner:csi-snapshotter \
    snapshot-controller-runner:snapshot-controller; do
    role=${binding%%:*} user=fermion-e2e:${binding#*:}
    kubectl apply -f - >/dev/null <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "$user"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $role}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "$user"}]
EOF
  done
  kubectl apply -f - >/dev/null <<EOF
# No attacher runs: the kubelet publishes volumes without waiting for a VolumeAttachment. fsGroupPolicy File: the
# kubelet gives a volume the pod's fsGroup (group-writable), so that non-root steps can write to it.
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: $CSI_DRIVER}
spec:
  attachRequired: false
  podInfoOnMount: false
  fsGroupPolicy: File
  volumeLifecycleModes: [Persistent]
---
# One node: a volume is provisioned as soon as it is claimed.
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fermion-e2e-hostpath
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: $CSI_DRIVER
reclaimPolicy: Delete
volumeBindingMode: Immediate
---
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshotClass
metadata:
  name: fermion-e2e-hostpath
  annotations: {snapshot.storage.kubernetes.io/is-default-class: "true"}
driver: $CSI_DRIVER
deletionPolicy: Delete
EOF
  mkdir -p "$STATE/csi"
  start csi-hostpath "$CSI_DIR/fermion-csi" --driver-name "$CSI_DRIVER" --endpoint "$CSI_SOCK" \
    --registration-dir "$STATE/kubelet/plugins_registry" --data-dir "$STATE/csi" --node-id "$NODE"
  wait_for csi-hostpath "registered with the kubelet" csi_registered
  start csi-provisioner "$CSI_DIR/csi-provisioner" --kubeconfig "$STATE/csi-provisioner.kubeconfig" \
    --csi-address "$CSI_SOCK" --http-endpoint "$PROVISIONER_HTTP"
  start csi-snapshotter "$CSI_DIR/csi-snapshotter" --kubeconfig "$STATE/csi-snapshotter.kubeconfig" \
    --csi-address "$CSI_SOCK" --http-endpoint "$SNAPSHOTTER_HTTP"
  start snapshot-controller "$CSI_DIR/snapshot-controller" --kubeconfig "$STATE/snapshot-controller.kubeconfig" \
    --http-endpoint "$SNAPSHOT_CONTROLLER_HTTP"
  wait_for csi-provisioner "serving" curl -sf --max-time 2 "http://$PROVISIONER_HTTP/metrics"
  wait_for csi-snapshotter "serving" curl -sf --max-time 2 "http://$SNAPSHOTTER_HTTP/metrics"
  wait_for snapshot-controller "serving" curl -sf --max-time 2 "http://$SNAPSHOT_CONTROLLER_HTTP/metrics"
}

# The kubelet lists a registered CSI driver in its node's CSINode.
csi_registered() {
  kubectl get csinode "$NODE" -o jsonpath='{.spec.drivers[*].name}' | tr ' ' '\n' | grep -qx "$CSI_DRIVER"
}

build() {
  install_packages
  mkdir -p "$CACHE"
  build_kube
  build_argo
  build_coredns
  build_csi
  build_images
  fetch_s3proxy
}

up() {
  [[ $(id -u) == 0 ]] || die "run as root"
  local start=$SECONDS
  build
  mkdir -p "$STATE" "$RUN" "$LOGS"
  network_up
  pki
  start_control_plane
  apply_crds >"$LOGS/crds.log" 2>&1 &
  local crds=$!
  start_dns
  start_node
  start_artifacts
  if ! wait "$crds"; then
    log "applying Argo's CRDs failed:"
    cat "$LOGS/crds.log" >&2
    exit 1
  fi
  log "Argo's CRDs are established"
  start_argo
  start_csi
  log "up in $((SECONDS - start)) s: node $NODE Ready, Argo $ARGO_VERSION controller healthy, CSI storage ready; kubeconfig:"
  echo "$KUBECONFIG_ADMIN"
}

# ---------------------------------------------------------------------------------------------------------------
# down

# Processes whose command line names our containerd socket (the runc shims of our pods).
our_shims() {
  local f
  for f in /proc/[0-9]*/cmdline; do
    { tr '\0' ' ' <"$f"; } 2>/dev/null | grep -q -- "-address $CONTAINERD_SOCK " && { f=${f#/proc/}; echo "${f%/cmdline}"; }
  done
  return 0
}

unmount_under() {
  local dir=$1 target
  # deepest first
  { findmnt -rn -o TARGET | grep -E "^$dir(/|$)" || true; } | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done
}

remove_iptables_rules() {
  [[ -x ${KUBE_DIR:-}/kube-proxy ]] && "$KUBE_DIR/kube-proxy" --cleanup >>"$LOGS/kube-proxy.log" 2>&1 || true
  # What kube-proxy --cleanup leaves: the kubelet's KUBE-* chains (no other Kubernetes runs on this machine).
  local table chain rule
  for table in filter nat mangle; do
    { iptables -t "$table" -S 2>/dev/null | grep -E '^-A .*-j KUBE-' | grep -vE '^-A KUBE-' || true; } | while read -r rule; do
      # shellcheck disable=SC2086
      iptables -t "$table" ${rule/-A/-D} 2>/dev/null || true
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do
      iptables -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $(iptables -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}'); do
      iptables -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

remove_cgroups() {
  local dir
  for dir in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/kubepods.slice; do
    [[ -d $dir ]] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  return 0
}

down() {
  [[ $(id -u) == 0 ]] || die "run as root"
  mkdir -p "$RUN" "$LOGS"
  KUBE_DIR=$(ls -d "$CACHE"/kube-"$K8S_VERSION"-* 2>/dev/null | head -1) || true
  stop workflow-controller
  stop snapshot-controller
  stop csi-snapshotter
  stop csi-provisioner
  stop s3proxy
  stop coredns
  stop kubelet
  stop csi-hostpath   # after the kubelet, which calls it to unmount the pods' volumes
  # the pods' containers: killed through containerd, then containerd itself and any shim left behind
  if pid_of containerd >/dev/null; then
    local task
    for task in $(ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr --address "$CONTAINERD_SOCK" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    done
  fi
  stop containerd
  local pid
  for pid in $(our_shims); do kill -KILL "$pid" 2>/dev/null || true; done
  stop kube-proxy
  remove_iptables_rules
  stop kube-scheduler
  stop kube-controller-manager
  stop kube-apiserver
  stop etcd
  unmount_under "$STATE"
  unmount_under "$RUN"
  # libcni's cache of what our pods' networks returned (ours: network fermion-e2e, and loopback for the same ids)
  local result id
  for result in /var/lib/cni/results/fermion-e2e-*; do
    [[ -e $result ]] || continue
    id=${result#/var/lib/cni/results/fermion-e2e-}
    rm -f "$result" "/var/lib/cni/results/cni-loopback-${id%-eth0}-lo"
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
  if [[ -f $STATE/ip_forward.saved ]]; then
    cat "$STATE/ip_forward.saved" >/proc/sys/net/ipv4/ip_forward
  fi
  remove_cgroups
  # cluster data goes; the logs stay for debugging until the next up
  find "$STATE" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
  rm -rf "$RUN"
  log "down"
}

# ---------------------------------------------------------------------------------------------------------------

COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler coredns containerd kubelet kube-proxy s3proxy
  workflow-controller csi-hostpath csi-provisioner csi-snapshotter snapshot-controller)

status() {
  local name pid any=1
  for name in "${COMPONENTS[@]}"; do
    if pid=$(pid_of "$name"); then
      printf '%-24s running (pid %s), log %s\n' "$name" "$pid" "$LOGS/$name.log" >&2
      any=0
    else
      printf '%-24s not running\n' "$name" >&2
    fi
  done
  if ((any == 0)) && [[ -f $KUBECONFIG_ADMIN ]]; then
    KUBE_DIR=$(ls -d "$CACHE"/kube-"$K8S_VERSION"-* 2>/dev/null | head -1)
    kubectl get nodes -o wide >&2 2>&1 || true
    echo "$KUBECONFIG_ADMIN"
  fi
  return $any
}

# Exit 0 when every component runs and the node is Ready by the kubelet that runs now; otherwise say what is wrong.
# The end-to-end suite asks before each check, so that a cluster that broke fails the checks left at once.
healthy() {
  local name missing=()
  for name in "${COMPONENTS[@]}"; do pid_of "$name" >/dev/null || missing+=("$name"); done
  if ((${#missing[@]})); then
    log "not running: ${missing[*]} (their logs are in $LOGS)"
    return 1
  fi
  if ! curl -sf --max-time 2 http://127.0.0.1:10248/healthz >/dev/null; then
    log "the kubelet runs but does not answer on its health port; the end of $LOGS/kubelet.log:"
    tail -n 20 "$LOGS/kubelet.log" >&2
    return 1
  fi
  KUBE_DIR=$(ls -d "$CACHE"/kube-"$K8S_VERSION"-* 2>/dev/null | head -1)
  node_ready || { log "node $NODE is not Ready"; kubectl describe node "$NODE" | sed -n '/^Conditions:/,/^Addresses:/p' >&2; return 1; }
}

load_image() {
  (($#)) || die "usage: cluster.sh load-image IMAGE..."
  pid_of containerd >/dev/null || die "the cluster's containerd does not run: cluster.sh up first"
  local image
  for image in "$@"; do
    podman image exists "$image" || die "podman has no image $image to load: build it first (runtime-image/build.sh for the runtime image)"
    podman save --format docker-archive "$image" 2>/dev/null | ctr --address "$CONTAINERD_SOCK" -n k8s.io images import - >/dev/null
    log "the kubelet has $image (use imagePullPolicy: Never or IfNotPresent)"
  done
}

# sourced (to debug one step): define everything, run nothing
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

case ${1:-} in
  up) up ;;
  build) build ;;
  down) down ;;
  status) status ;;
  healthy) healthy ;;
  load-image) shift; load_image "$@" ;;
  prepare-namespace) shift; (($#)) || die "usage: cluster.sh prepare-namespace NAMESPACE..."
    build_kube >/dev/null; argo_module; for ns in "$@"; do prepare_namespace "$ns"; done ;;
  kubectl) shift; build_kube >/dev/null; kubectl "$@" ;;
  *) echo "usage: $0 up|down|status|healthy|build|load-image IMAGE...|prepare-namespace NS...|kubectl ARGS..." >&2; exit 2 ;;
esac
