#!/usr/bin/env bash
# Makes a Debian machine ready to build and run Fermion's containers without any image registry:
#   1. installs podman, runc, mmdebstrap, uidmap and skopeo (apt, as root) when any is missing;
#   2. makes the local base images from Debian's packages when they are missing:
#        localhost/debian-jre:17   bookworm minbase + OpenJDK 17 JRE: the runtime image's base here
#        localhost/python:3        bookworm minbase + Python 3: what script steps' python images map to
#   3. writes /etc/containers/containers.conf, when there is none, with the settings this machine needs (runc
#      where crun cannot run on a hybrid cgroup v1 layout, ulimits within the hard limits), so that plain
#      podman commands work here too. Fermion and build.sh make the same settings themselves wherever they run
#      containers, so a machine without this file (a user's) needs none.
# Idempotent, and a few seconds when everything is there.
#
#   scripts/setup-containers.sh            install what is missing, make missing bases
#   scripts/setup-containers.sh --rebuild  make the bases again (e.g. for Debian's security updates)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../runtime-image/engine.sh
source "$root/runtime-image/engine.sh"

rebuild=false
for arg in "$@"; do
  case $arg in
    --rebuild) rebuild=true ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup-containers: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

packages=(podman runc mmdebstrap uidmap skopeo)
missing=()
for package in "${packages[@]}"; do
  if [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null) != "install ok installed" ]]; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup-containers: ${missing[*]} missing; install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-containers: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's documentation and translations have no use in an image. (Manual pages stay: OpenJDK's
# postinst links its manuals with update-alternatives, which fails without /usr/share/man/man1.)
slim=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/info/*'
      --dpkgopt='path-exclude=/usr/share/locale/*')

# base NAME PACKAGES: makes image NAME from Debian bookworm's minbase plus PACKAGES, unless it exists.
base() {
  local name=$1 include=$2
  if ! $rebuild && podman image exists "$name"; then
    echo "setup-containers: $name is there"
    return
  fi
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  echo "setup-containers: making $name from Debian's packages ($include)"
  local started=$SECONDS
  mmdebstrap --quiet --variant=minbase --include="$include" "${slim[@]}" bookworm "$work/rootfs.tar"
  podman import --quiet --change 'CMD ["/bin/sh"]' "$work/rootfs.tar" "$name" >/dev/null
  echo "setup-containers: $name made in $((SECONDS - started)) s"
}

# Both at once: each spends most of its time waiting on downloads and dpkg.
base "$FERMION_JRE_BASE" openjdk-17-jre-headless,ca-certificates &
jre=$!
base "$FERMION_PYTHON_BASE" python3 &
python=$!
wait "$jre" || { echo "setup-containers: making $FERMION_JRE_BASE failed" >&2; exit 1; }
wait "$python" || { echo "setup-containers: making $FERMION_PYTHON_BASE failed" >&2; exit 1; }

settings_line=$(fermion_engine_settings podman)
read -r -a settings <<<"$settings_line"
conf=/etc/containers/containers.conf
if [[ ! -e $conf && $(id -u) -eq 0 ]]; then
  runtime= ulimits=()
  for ((i = 0; i < ${#settings[@]}; i += 2)); do
    case ${settings[i]} in
      --runtime) runtime=${settings[i + 1]} ;;
      --ulimit) ulimits+=("\"${settings[i + 1]}\"") ;;
    esac
  done
  {
    echo "# Written by Fermion's scripts/setup-containers.sh: what this machine needs for any container to start."
    echo "[containers]"
    ((${#ulimits[@]})) && echo "default_ulimits = [$(IFS=,; echo "${ulimits[*]}")]"
    echo "[engine]"
    [[ -n $runtime ]] && echo "runtime = \"$runtime\""
    true
  } >"$conf"
  echo "setup-containers: wrote $conf"
fi

# Check that containers run here with the settings Fermion makes.
if ! out=$(podman run --rm "${settings[@]}" "$FERMION_JRE_BASE" java -version 2>&1); then
  echo "setup-containers: podman cannot run a container here:" >&2
  echo "$out" >&2
  exit 1
fi
echo "setup-containers: podman runs containers (${settings[*]:-no extra settings}); $(grep -m1 version <<<"$out")"
