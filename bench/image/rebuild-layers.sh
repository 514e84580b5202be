#!/usr/bin/env bash
# Which layers of the runtime image change after a one-line change to Fermion's code (BENCHMARKS.md, "Runtime
# image"). Works in a temporary git worktree of HEAD, so the working tree is never touched; builds the image
# there as ghcr.io/fermion-ml/fermion-runtime:layers-bench twice, before and after the change, with
# runtime-image/build.sh, and prints each layer's digest and size before and after.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
git -C "$root" worktree add --quiet --detach "$work/tree" HEAD
trap 'git -C "$root" worktree remove --force "$work/tree"; rm -rf "$work"' EXIT
cd "$work/tree"
image=$(runtime-image/build.sh --tag layers-bench --print-name)
build() {
  ./mvnw -q -B -pl runtime-image/dist -am package -DskipTests
  local started=$SECONDS
  runtime-image/build.sh --no-package --tag layers-bench >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  echo "built in $((SECONDS - started)) s" >&2
  podman inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$image" | sed '/^$/d'
}
build >"$work/before"
sed -i '0,/^public final class StepLauncher {/s//public final class StepLauncher {\n    static final String LAYER_PROBE = "one-line change";/' \
  launcher/src/main/java/dev/fermion/runtime/launch/StepLauncher.java
build >"$work/after"
podman history --format '{{.Size}}' "$image" | grep -v '^0 B' | tac >"$work/sizes"
printf '%-8s %-14s %-14s %s\n' layer before after size
paste "$work/before" "$work/after" "$work/sizes" | awk -F'\t' '{ printf "%-8s %-14s %-14s %s\n", ($1 == $2 ? "same" : "CHANGED"), substr($1, 8, 12), substr($2, 8, 12), $3 }'
