#!/usr/bin/env bash
# Smoke check of the e2e cluster (e2e/cluster.sh up first): a two-step Argo Workflow in pods shaped like Fermion's
# (non-root, RuntimeDefault seccomp, no privilege escalation, no capabilities) on the locally built Debian image.
# Step 1 writes output artifacts to the S3 artifact repository (a small file, archived as Argo does by default, and a
# 20 MiB directory stored unarchived: a multipart upload, and a listing to download it) and an output parameter;
# step 2 reads them all and checks their content.
# The same workflow is submitted twice: the second run must take step 1 from the memoize cache and step 2 must
# still read the first run's artifact from the repository. Exit 0 when all of that held.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIMEOUT=${FERMION_E2E_SMOKE_TIMEOUT:-300}   # seconds each workflow gets to finish
NS=default

kubectl() { "$here/cluster.sh" kubectl -n "$NS" "$@"; }
log() { printf '%s smoke: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# A message no earlier smoke run used, so that the first submit misses the cache.
message="fermion-e2e-smoke-$(date -u +%Y%m%dT%H%M%SZ)-$RANDOM"   # also a memoize key: [-._a-zA-Z0-9]

workflow() {
  cat <<EOF
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: fermion-e2e-smoke-
spec:
  entrypoint: main
  arguments:
    parameters: [{name: message, value: "$message"}]
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile: {type: RuntimeDefault}
  templates:
  - name: main
    dag:
      tasks:
      - name: produce
        template: produce
        arguments: {parameters: [{name: message, value: "{{workflow.parameters.message}}"}]}
      - name: consume
        template: consume
        dependencies: [produce]
        arguments:
          parameters:
          - {name: size, value: "{{tasks.produce.outputs.parameters.size}}"}
          - {name: digest, value: "{{tasks.produce.outputs.parameters.digest}}"}
          artifacts:
          - {name: data, from: "{{tasks.produce.outputs.artifacts.data}}"}
          - {name: blob, from: "{{tasks.produce.outputs.artifacts.blob}}"}
  - name: produce
    inputs: {parameters: [{name: message}]}
    memoize:
      key: "{{inputs.parameters.message}}"
      maxAge: 1h
      cache: {configMap: {name: fermion-e2e-smoke-cache}}
    container:
      image: localhost/fermion-e2e/debian:bookworm
      imagePullPolicy: Never
      env: [{name: MESSAGE, value: "{{inputs.parameters.message}}"}]
      command: [sh, -c]
      args:
      - |
        set -e
        mkdir -p /tmp/out/blob/sub
        printf "%s" "\$MESSAGE" >/tmp/out/data.txt
        wc -c </tmp/out/data.txt >/tmp/out/size
        head -c 20971520 /dev/urandom >/tmp/out/blob/large.bin
        printf "%s" "\$MESSAGE" >/tmp/out/blob/sub/small.txt
        cd /tmp/out/blob && sha256sum large.bin sub/small.txt | sha256sum | cut -c1-64 >/tmp/out/digest
      securityContext: &restricted
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
    outputs:
      parameters:
      - {name: size, valueFrom: {path: /tmp/out/size}}
      - {name: digest, valueFrom: {path: /tmp/out/digest}}
      artifacts:
      - {name: data, path: /tmp/out/data.txt}
      - {name: blob, path: /tmp/out/blob, archive: {none: {}}}
  - name: consume
    inputs:
      parameters: [{name: size}, {name: digest}]
      artifacts:
      - {name: data, path: /tmp/in/data.txt}
      - {name: blob, path: /tmp/in/blob}
    container:
      image: localhost/fermion-e2e/debian:bookworm
      imagePullPolicy: Never
      env:
      - {name: SIZE, value: "{{inputs.parameters.size}}"}
      - {name: DIGEST, value: "{{inputs.parameters.digest}}"}
      command: [sh, -c]
      args:
      - |
        set -e
        size=\$(wc -c </tmp/in/data.txt)
        [ "\$size" -eq "\$SIZE" ] || { echo "data.txt has \$size bytes, step produce wrote \$SIZE" >&2; exit 1; }
        digest=\$(cd /tmp/in/blob && sha256sum large.bin sub/small.txt | sha256sum | cut -c1-64) || { ls -lR /tmp/in >&2; exit 1; }
        [ "\$digest" = "\$DIGEST" ] || { echo "blob/ has digest \$digest, step produce wrote \$DIGEST" >&2; exit 1; }
        cp /tmp/in/data.txt /tmp/echoed
        id -u >/tmp/uid
      securityContext: *restricted
    outputs:
      parameters:
      - {name: echoed, valueFrom: {path: /tmp/echoed}}
      - {name: uid, valueFrom: {path: /tmp/uid}}
EOF
}

# Prints what a failed run needs for a diagnosis, then fails.
fail() {
  local name=$1; shift
  log "FAILED: $*"
  kubectl get workflow "$name" -o yaml >&2 || true
  kubectl get pods -l "workflows.argoproj.io/workflow=$name" -o wide >&2 || true
  local pod
  for pod in $(kubectl get pods -l "workflows.argoproj.io/workflow=$name" -o name 2>/dev/null); do
    kubectl describe "$pod" | tail -n 25 >&2 || true
    kubectl logs "$pod" --all-containers --prefix >&2 || true
  done
  log "the controller's log: /var/lib/fermion-e2e/logs/workflow-controller.log"
  exit 1
}

# FIELD of the node of workflow $1 whose displayName is $2 (status.nodes is a map, which jsonpath cannot filter).
node_field() {
  kubectl get workflow "$1" -o "jsonpath={range .status.nodes.*}{.displayName}{\"\t\"}{.$3}{\"\n\"}{end}" |
    awk -F '\t' -v step="$2" '$1 == step {print $2}'
}

# Submits the workflow, waits for it to finish and checks it; $1 says whether step 1 must be a cache hit.
run() {
  local want_hit=$1 name phase start=$SECONDS
  name=$(workflow | kubectl create -f - -o 'jsonpath={.metadata.name}')
  log "submitted $name"
  while :; do
    phase=$(kubectl get workflow "$name" -o 'jsonpath={.status.phase}')
    case $phase in
      Succeeded) break ;;
      Failed | Error) fail "$name" "$name ended $phase: $(kubectl get workflow "$name" -o 'jsonpath={.status.message}')" ;;
    esac
    ((SECONDS - start < TIMEOUT)) || fail "$name" "$name not finished in ${TIMEOUT}s (phase '$phase')"
    sleep 1
  done
  local hit echoed uid size
  hit=$(node_field "$name" produce memoizationStatus.hit)
  echoed=$(node_field "$name" consume "outputs.parameters[?(@.name==\"echoed\")].value")
  uid=$(node_field "$name" consume "outputs.parameters[?(@.name==\"uid\")].value")
  size=$(node_field "$name" produce "outputs.parameters[?(@.name==\"size\")].value")
  [[ $hit == "$want_hit" ]] || fail "$name" "step produce: memoize cache hit was '$hit', expected $want_hit"
  [[ $echoed == "$message" ]] || fail "$name" "step consume read '$echoed' from the artifact, expected '$message'"
  [[ $size -eq ${#message} ]] || fail "$name" "output parameter size was '$size', expected ${#message}"
  [[ $uid == 10001 ]] || fail "$name" "step consume ran as uid '$uid', expected 10001"
  # on a cache hit, step 2 reads what the first run stored
  local key
  key=$(node_field "$name" consume "inputs.artifacts[?(@.name==\"blob\")].s3.key")
  [[ $key == "${first:-$name}/"* ]] || fail "$name" "step consume read blob from '$key', expected a key under ${first:-$name}/"
  first=${first:-$name}
  log "$name Succeeded in $((SECONDS - start)) s (produce cache hit: $hit; consume read and checked ${key%/blob}/*, ran as uid $uid)"
}

total=$SECONDS
first=""
run false
run true
log "passed in $((SECONDS - total)) s"
