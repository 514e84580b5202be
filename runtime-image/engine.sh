# Sourced by build.sh and scripts/setup-containers.sh: which container engine works here, and the settings it
# needs on this machine. dev.fermion.runtime.container.EngineSettings applies the same rules when Fermion
# runs containers itself, so a user's machine needs no containers.conf of ours.

# The local bases scripts/setup-containers.sh makes from Debian's packages, for machines without a registry.
FERMION_JRE_BASE=localhost/debian-jre:17
FERMION_PYTHON_BASE=localhost/python:3

# fermion_engine: prints docker or podman, the first whose engine answers ('<cli> info' exits 0);
# FERMION_CONTAINER_ENGINE=docker|podman picks one. Fails when none works.
fermion_engine() {
  local candidates=(docker podman)
  [[ -n ${FERMION_CONTAINER_ENGINE:-} ]] && candidates=("$FERMION_CONTAINER_ENGINE")
  local cli
  for cli in "${candidates[@]}"; do
    if command -v "$cli" >/dev/null && timeout 30 "$cli" info >/dev/null 2>&1; then
      echo "$cli"
      return 0
    fi
  done
  echo "no working container engine (tried ${candidates[*]}): install Podman (scripts/setup-containers.sh on" \
    "Debian) or start Docker" >&2
  return 1
}

# fermion_engine_settings ENGINE: prints the options 'ENGINE run' and 'ENGINE build' need here, on one line.
#  - Podman's default runtime crun cannot create containers on a hybrid cgroup v1 layout (a cgroup2 hierarchy
#    mounted beside the v1 controllers): "cgroups in hybrid mode not supported". runc can: --runtime runc.
#  - Rootful Podman raises the containers' open-files and process limits above this machine's hard limits
#    unless told otherwise, and then every container fails in setrlimit: --ulimit within the hard limits
#    (open files: the hard limit, at most 65536; processes: 4096, plenty for a step's threads).
fermion_engine_settings() {
  local engine=$1 settings=()
  if [[ $engine == podman ]]; then
    local runtime cgroups
    read -r runtime cgroups < <(podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}}' 2>/dev/null) || true
    if [[ ${runtime##*/} == crun* && $cgroups == v1 ]] && grep -q ' - cgroup2 ' /proc/self/mountinfo; then
      if command -v runc >/dev/null || [[ -x /usr/sbin/runc || -x /usr/bin/runc ]]; then
        settings+=(--runtime runc)
      else
        echo "podman's runtime crun cannot run containers on this hybrid cgroup v1 machine; install runc" >&2
        return 1
      fi
    fi
    if [[ $(id -u) -eq 0 ]]; then
      local files processes
      files=$(ulimit -Hn) processes=$(ulimit -Hu)
      [[ $files == unlimited || $files -gt 65536 ]] && files=65536
      [[ $processes == unlimited || $processes -gt 4096 ]] && processes=4096
      settings+=(--ulimit "nofile=$files:$files" --ulimit "nproc=$processes:$processes")
    fi
  fi
  echo "${settings[*]}"
}
