#!/usr/bin/env python3
"""What a running application costs at rest.

Samples /proc for SECONDS (default 60) and prints the machine's busy cores and the cores each process name used
(replicas added up). Run it while ./scripts/run.sh is up and idle:

    ./scripts/run.sh &        # wait for "every service healthy", then let it settle
    python3 scripts/idle-cpu.py 60
"""
import collections
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def machine_ticks():
    """(all ticks, idle ticks) of the machine, from the first line of /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]
    return sum(values), values[3] + values[4]  # idle + iowait


def process_ticks():
    """pid -> (command name, user + system ticks); a process that ends while we look is skipped."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        found[int(entry)] = (name, int(fields[11]) + int(fields[12]))
    return found


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    total_before, idle_before = machine_ticks()
    before = process_ticks()
    time.sleep(seconds)
    total_after, idle_after = machine_ticks()
    after = process_ticks()

    busy = ((total_after - total_before) - (idle_after - idle_before)) / TICKS / seconds
    print(f"machine busy cores over {seconds} s: {busy:.3f} of {os.cpu_count()}")
    by_name = collections.Counter()
    for pid, (name, ticks) in after.items():
        if pid in before:
            by_name[name] += ticks - before[pid][1]
    for name, ticks in by_name.most_common(15):
        print(f"  {name:18s} {ticks / TICKS / seconds:.3f} cores")


if __name__ == "__main__":
    main()
