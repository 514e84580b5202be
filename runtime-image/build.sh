#!/usr/bin/env bash
# Builds the Fermion runtime image with Docker or Podman, whichever works here.
#
#   runtime-image/build.sh [--registry R] [--tag T] [--base IMAGE] [--no-package] [--save FILE] [--print-name]
#   runtime-image/build.sh --gpu-check
#
# The image is named as the compiler names it, so workflows compiled with the same --image-registry and
# --image-tag run it: R/fermion-runtime:T, by default ghcr.io/fermion-ml/fermion-runtime:<project version>.
#   --registry R     the registry part of the name (compile with --image-registry R)
#   --tag T          the tag (compile with --image-tag T); default: the project version
#   --base IMAGE     the Java 17 base; default: eclipse-temurin:17-jre when the engine has it or can pull it,
#                    else localhost/debian-jre:17 (made by scripts/setup-containers.sh)
#   --no-package     use runtime-image/dist/target/fermion-runtime as it is (after ./mvnw package or verify);
#                    by default the distribution is assembled first (./mvnw package of runtime-image/dist)
#   --save FILE      also write the image to FILE as a docker-archive (for 'ctr images import' or 'docker load')
#   --print-name     print the image name and exit
#   --gpu-check      build the stages of Dockerfile.gpu that need no CUDA base and no registry (its 'dist'
#                    stage), which checks the GPU Dockerfile's layout against the distribution
# FERMION_CONTAINER_ENGINE=docker|podman picks the engine. Prints the image name, its size and its layers.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=engine.sh
source "$here/engine.sh"

version=$(sed -n '/<artifactId>fermion-parent<\/artifactId>/,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml")
registry=ghcr.io/fermion-ml
tag=$version
base=
package=true
save=
print_name=false
gpu_check=false
while (($#)); do
  case $1 in
    --registry) registry=${2:?--registry needs a value}; shift ;;
    --tag) tag=${2:?--tag needs a value}; shift ;;
    --base) base=${2:?--base needs a value}; shift ;;
    --no-package) package=false ;;
    --save) save=${2:?--save needs a file}; shift ;;
    --print-name) print_name=true ;;
    --gpu-check) gpu_check=true ;;
    -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
image="${registry%/}${registry:+/}fermion-runtime:$tag"
if $print_name; then
  echo "$image"
  exit 0
fi

engine=$(fermion_engine)
settings_line=$(fermion_engine_settings "$engine")
read -r -a settings <<<"$settings_line"

dist="$here/dist/target/fermion-runtime"
if $package; then
  echo "build.sh: assembling the distribution (./mvnw package of runtime-image/dist)"
  (cd "$root" && ./mvnw -q -B -pl runtime-image/dist -am package -DskipTests)
elif [[ ! -x $dist/bin/fermion-step ]]; then
  echo "build.sh: no distribution in $dist: run without --no-package, or ./mvnw package first" >&2
  exit 2
fi

if [[ -z $base ]]; then
  if "$engine" image inspect eclipse-temurin:17-jre >/dev/null 2>&1 \
      || "$engine" pull -q eclipse-temurin:17-jre >/dev/null 2>&1; then
    base=eclipse-temurin:17-jre
  elif "$engine" image inspect "$FERMION_JRE_BASE" >/dev/null 2>&1; then
    base=$FERMION_JRE_BASE
    echo "build.sh: eclipse-temurin:17-jre cannot be pulled here; building on $base"
  else
    echo "build.sh: no base image: eclipse-temurin:17-jre cannot be pulled and $FERMION_JRE_BASE is missing;" \
      "make it with scripts/setup-containers.sh, or give one with --base" >&2
    exit 2
  fi
fi

started=$SECONDS
if $gpu_check; then
  "$engine" build "${settings[@]}" --build-arg "BASE=$base" --target dist -f "$here/docker/Dockerfile.gpu" \
    -t localhost/fermion-runtime-gpu-dist:check "$here"
  echo "build.sh: Dockerfile.gpu's dist stage built on $base in $((SECONDS - started)) s"
  exit 0
fi
"$engine" build "${settings[@]}" --build-arg "BASE=$base" -f "$here/docker/Dockerfile.cpu" -t "$image" "$here"
size=$("$engine" image inspect --format '{{.Size}}' "$image")
echo "build.sh: built $image with $engine on $base in $((SECONDS - started)) s: $((size / 1000000)) MB"
"$engine" history --format '{{.Size}}	{{.CreatedBy}}' "$image" | sed -n '1,12s/^/  /p' | cut -c1-110
if [[ -n $save ]]; then
  rm -f "$save"
  "$engine" save -o "$save" "$image"
  echo "build.sh: saved $image to $save ($(du -h "$save" | cut -f1))"
fi
echo "$image"
