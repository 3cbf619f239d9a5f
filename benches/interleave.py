#!/usr/bin/env python3
"""Runs commands alternately and compares them.

    benches/interleave.py RUNS NAME=COMMAND [NAME=COMMAND ...]

Each round runs every command once, in the order given (two warm-up rounds are not counted),
so that a shared machine's changing load falls on all of them alike. Prints, per command, the
median and minimum wall time, the median and minimum CPU time (user + system), and the ratios
of the medians and minimums to the first command. Commands
are split like shell words (no shell runs them: the figures are the command's own) and their
output is discarded; the environment (RAYON_NUM_THREADS) is passed on.
"""

import os
import shlex
import statistics
import subprocess
import sys
import time

WARM_UP = 2


def run(command):
    """Wall seconds and CPU seconds of one run. (Not peak memory: a child's high-water mark
    counts this script's memory from before `exec`; measure it with `/usr/bin/time`.)"""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    if any(len(c) != 2 for c in commands):
        sys.exit("each command is NAME=COMMAND")
    commands = [(name, shlex.split(command)) for name, command in commands]
    results = {name: [] for name, _ in commands}
    for round_ in range(runs + WARM_UP):
        for name, command in commands:
            measured = run(command)
            if round_ >= WARM_UP:
                results[name].append(measured)
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"{runs} alternating runs each; load average {load}; "
          f"RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', '(unset)')}")
    base = None
    for name, command in commands:
        walls = [r[0] * 1000 for r in results[name]]
        cpus = [r[1] * 1000 for r in results[name]]
        figures = (statistics.median(walls), min(walls), statistics.median(cpus), min(cpus))
        if base is None:
            base = figures
        ratios = [f / b for f, b in zip(figures, base)]
        print(f"{name:>10}: wall {figures[0]:7.1f} ms (min {figures[1]:6.1f}), "
              f"cpu {figures[2]:7.1f} ms (min {figures[3]:6.1f}); "
              f"ratio wall {ratios[0]:.2f}x (min {ratios[1]:.2f}x), "
              f"cpu {ratios[2]:.2f}x (min {ratios[3]:.2f}x)")


if __name__ == "__main__":
    main()
