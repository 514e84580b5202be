"""Times commands, interleaved round by round after one untimed warm-up round, so that a change of load
hits them all alike. Per run: wall time and the CPU time (user + system) of the process and its children.

    python3 startup.py --rounds N --out FILE 'NAME=COMMAND' ...
"""
import argparse
import json
import os
import resource
import subprocess
import time


def timed(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{command!r} failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    return wall * 1000, cpu * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("commands", nargs="+")
    args = parser.parse_args()
    commands = [c.split("=", 1) for c in args.commands]
    for _, command in commands:
        timed(command)
    times = {name: {"command": command, "wall_ms": [], "cpu_ms": [], "load": []} for name, command in commands}
    for _ in range(args.rounds):
        for name, command in commands:
            wall, cpu = timed(command)
            times[name]["wall_ms"].append(round(wall, 1))
            times[name]["cpu_ms"].append(round(cpu, 1))
            times[name]["load"].append(round(os.getloadavg()[0], 2))
    with open(args.out, "w") as f:
        json.dump({"rounds": args.rounds, "times": times}, f, indent=1)


if __name__ == "__main__":
    main()
