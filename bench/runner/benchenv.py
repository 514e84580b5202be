"""The machine a benchmark ran on, for the sections in bench/sections/: shared by bench/runner, bench/tracking
and bench/serving.

    python3 benchenv.py start FILE [--python PY --module M ...]   machine, commit, versions, load at the start
    python3 benchenv.py end FILE                                  adds the end time and load
"""
import json
import os
import platform
import subprocess
import sys
import time


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:
        return ""


def load():
    return [round(x, 2) for x in os.getloadavg()]


def start(path, pythons):
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
            mem = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    osname = ""
    try:
        with open("/etc/os-release") as f:
            osname = next((l.split("=", 1)[1].strip().strip('"') for l in f if l.startswith("PRETTY_NAME")), "")
    except OSError:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()
    versions = {}
    for py, module in pythons:
        v = sh(py, "-c", f"import importlib.metadata as m; print(m.version('{module}'))")
        versions[module] = v or "?"
    commit = sh("git", "rev-parse", "--short", "HEAD")
    dirty = bool(sh("git", "status", "--porcelain", "--untracked-files=no"))
    env = {
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit, "dirty": dirty,
        "nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "os": osname, "kernel": platform.release(),
        "java": java, "python": platform.python_version(), "versions": versions,
        "load_start": load(),
    }
    with open(path, "w") as f:
        json.dump(env, f, indent=1)


def end(path):
    with open(path) as f:
        env = json.load(f)
    env["ended"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    env["load_end"] = load()
    with open(path, "w") as f:
        json.dump(env, f, indent=1)


def fmt(ms):
    """A duration in milliseconds with three significant figures or so."""
    if ms >= 100:
        return f"{ms:,.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def ratio(x):
    return f"{x:,.0f}×" if x >= 10 else f"{x:.1f}×"


def machine_md(env, extra=()):
    """The '### Machine' bullet list of a section."""
    la, lb = env["load_start"], env.get("load_end", ["?"] * 3)
    lines = [
        f"- Run {env['started']} to {env.get('ended', '?')} at commit `{env['commit']}`"
        + (" (with uncommitted changes)" if env["dirty"] else ""),
        f"- `nproc`: {env['nproc']}; CPU: {env['cpu']}; memory: {env['memory']}; {env['os']}, kernel {env['kernel']}",
        f"- Load average (1, 5, 15 min) at the start: {', '.join(map(str, la))}; at the end: {', '.join(map(str, lb))}"
        + (". Above the core count: other processes (other helpers' builds and tests) competed for the CPU, so"
           " absolute times are inflated and noisy; the tools ran one after another in the same run, so the ratios"
           " are less affected, but only roughly" if max(la[0], lb[0] if isinstance(lb[0], float) else 0) > env["nproc"] else ""),
        "- `java -version`: " + " / ".join(f"`{l}`" for l in env["java"]),
        f"- Python {env['python']}; " + "; ".join(f"{k} {v}" for k, v in env["versions"].items()),
    ]
    lines.extend(extra)
    return "\n".join(lines)


if __name__ == "__main__":
    cmd, path, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == "start":
        pairs, py = [], sys.executable
        i = 0
        while i < len(rest):
            if rest[i] == "--python":
                py = rest[i + 1]
            elif rest[i] == "--module":
                pairs.append((py, rest[i + 1]))
            i += 2
        start(path, pairs)
    else:
        end(path)
