#!/usr/bin/env bash
# The end-to-end suite: Fermion's examples on a real Kubernetes with the real Argo controller (e2e/cluster.sh),
# each check through the user's commands (fermion submit --watch, status, logs, templates apply, submit --from).
# Brings the cluster up if needed, builds the runtime image and loads it into the cluster's containerd, then prints
# PASS/FAIL per check and ends with "N passed, M failed" (exit 1 if any failed). Run as root, from anywhere.
#   FERMION_E2E_TIMEOUT   seconds a workflow gets (default 900)
#   FERMION_E2E_NS        namespace the workflows run in (default fermion-e2e)
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
NS=${FERMION_E2E_NS:-fermion-e2e}
TIMEOUT=${FERMION_E2E_TIMEOUT:-900}
REGISTRY=localhost/fermion-e2e
TAG=e2e
out=$(mktemp -d /tmp/fermion-e2e.XXXXXX)
passed=0 failed=0

log() { printf '%s e2e: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
check() {   # check NAME COMMAND...: PASS when the command exits 0
  local name=$1; shift
  if "$@" > "$out/$name.log" 2>&1; then echo "PASS $name"; passed=$((passed + 1))
  else echo "FAIL $name (see $out/$name.log)"; tail -n 20 "$out/$name.log" | sed 's/^/    /'; failed=$((failed + 1)); fi
}
kubectl() { e2e/cluster.sh kubectl -n "$NS" "$@"; }
fermion() { ./fermion "$@"; }
image() { echo --image-registry "$REGISTRY" --image-tag "$TAG"; }
# the name of the newest Workflow with label $1
newest() { kubectl get workflows -l "$1" --sort-by=.metadata.creationTimestamp -o jsonpath='{.items[-1:].metadata.name}'; }

export KUBECONFIG
KUBECONFIG=$(e2e/cluster.sh up) || { echo "0 passed, 1 failed (cluster.sh up)"; exit 1; }
runtime-image/build.sh --registry "$REGISTRY" --tag "$TAG" >&2 || { echo "0 passed, 1 failed (runtime image)"; exit 1; }
e2e/cluster.sh load-image "$REGISTRY/fermion-runtime:$TAG"
e2e/cluster.sh prepare-namespace "$NS"
# iris's deploy step runs as fermion-deployer: Argo's executor Role (prepare-namespace made it) plus what a
# KUBERNETES deploy creates in the namespace
kubectl apply -f - >&2 <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: fermion-deployer}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: fermion-deployer}
rules:
- {apiGroups: [apps], resources: [deployments], verbs: [get, list, watch, create, update, patch, delete]}
- {apiGroups: [""], resources: [services, configmaps], verbs: [get, list, watch, create, update, patch, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: fermion-deployer}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: fermion-deployer}
subjects: [{kind: ServiceAccount, name: fermion-deployer}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: fermion-deployer-executor}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: executor}
subjects: [{kind: ServiceAccount, name: fermion-deployer}]
YAML

iris_succeeds() {
  fermion submit iris --watch -n "$NS" $(image) -p seed=7 -p deploy-target=KUBERNETES || return 1
  local wf; wf=$(newest fermion.dev/pipeline=iris)
  fermion status "$wf" -n "$NS" | tee "$out/iris-status.txt"
  for step in prepare train evaluate deploy; do grep -q "$step.*Succeeded" "$out/iris-status.txt" || return 1; done
}
iris_matches_local() {
  fermion run iris -p seed=7 | tee "$out/iris-local.txt" || return 1
  local local_acc argo_acc
  local_acc=$(grep -oE 'accuracy[^0-9]*[0-9.]+' "$out/iris-local.txt" | head -1 | grep -oE '[0-9.]+$')
  argo_acc=$(grep -oE 'accuracy[^0-9]*[0-9.]+' "$out/iris-status.txt" | head -1 | grep -oE '[0-9.]+$')
  echo "local $local_acc, argo $argo_acc"
  [[ -n $local_acc && $local_acc == "$argo_acc" ]]
}
iris_memoized() {
  fermion submit iris --watch -n "$NS" $(image) -p seed=7 -p deploy-target=KUBERNETES || return 1
  fermion status "$(newest fermion.dev/pipeline=iris)" -n "$NS" | tee "$out/iris-again.txt"
  grep -qE '(prepare|train).*cached' "$out/iris-again.txt"
}
example_succeeds() { fermion submit "$1" --watch -n "$NS" $(image); }
pods_non_root() {
  local uids; uids=$(kubectl get pods -o jsonpath='{range .items[*]}{.spec.securityContext.runAsUser}{"\n"}{end}' | sort -u)
  echo "runAsUser: $uids"
  [[ -n $uids ]] && ! grep -qx 0 <<<"$uids" && ! grep -qx '' <<<"$uids"
}
template_with_params() {
  fermion templates apply iris -n "$NS" $(image) || return 1
  fermion submit iris --from template -p seed=11 --watch -n "$NS" $(image) || return 1
  local wf; wf=$(newest fermion.dev/pipeline=iris)
  kubectl get workflow "$wf" -o jsonpath='{.spec.workflowTemplateRef.name} {.spec.arguments.parameters}' | tee /dev/stderr \
    | grep -q '"seed".*"11"'
}
cron_triggered() {
  fermion templates apply nightly-retrain -n "$NS" $(image) || return 1
  kubectl get cronworkflows -o name | grep -q . || return 1
  fermion submit nightly-retrain --from cron --watch -n "$NS" $(image) || return 1
  [[ -n $(newest workflows.argoproj.io/cron-workflow) ]]
}

check iris-succeeds-on-argo iris_succeeds
check iris-accuracy-equals-local-run iris_matches_local
check iris-resubmit-hits-memoize iris_memoized
for example in sweep shared-volume; do check "$example-succeeds" example_succeeds "$example"; done
check pods-run-non-root pods_non_root
check templates-apply-and-submit-from-template template_with_params
check nightly-cron-accepted-and-triggered cron_triggered

echo "$passed passed, $failed failed"
((failed == 0))
