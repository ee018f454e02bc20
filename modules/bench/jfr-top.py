#!/usr/bin/env python3
"""Top self frames, threads and allocation sites of a JFR recording (used with ReadBench --jfr).

    modules/bench/jfr-top.py RECORDING.jfr [N]

Counts jdk.ExecutionSample top frames (self time) overall and per thread, and sums
jdk.ObjectAllocationSample weights by allocated class and by allocating frame (the first frame
outside java.*/jdk.*/sun.*, and the top frame).
"""
import collections, json, subprocess, sys


def events(path, name):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", name, path], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def frame(f):
    m = f["method"]
    return "%s.%s" % (m["type"]["name"], m["name"])


def thread_group(name):
    return name.rstrip("0123456789").rstrip("-") if name else "?"


def main():
    path, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    samples = events(path, "jdk.ExecutionSample")
    tops, threads, tcs = collections.Counter(), collections.Counter(), collections.Counter()
    for e in samples:
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        if not frames:
            continue
        tops[frame(frames[0])] += 1
        threads[e["values"]["sampledThread"]["javaName"]] += 1
        for f in frames:
            if f["method"]["type"]["name"].startswith("dev.tcs"):
                tcs[frame(f)] += 1
                break
    total = sum(tops.values())
    print("== %d execution samples; top %d self frames" % (total, n))
    for k, v in tops.most_common(n):
        print("%6.1f%%  %5d  %s" % (100.0 * v / total, v, k))
    print("== samples by thread")
    for k, v in threads.most_common(10):
        print("%6.1f%%  %5d  %s" % (100.0 * v / total, v, k))
    print("== innermost dev.tcs frame on the stack (inclusive)")
    for k, v in tcs.most_common(n):
        print("%6.1f%%  %5d  %s" % (100.0 * v / total, v, k))
    allocs = events(path, "jdk.ObjectAllocationSample")
    by_class, by_site, by_top = collections.Counter(), collections.Counter(), collections.Counter()
    for e in allocs:
        w = e["values"]["weight"]
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        by_class[e["values"]["objectClass"]["name"]] += w
        if frames:
            by_top[frame(frames[0])] += w
            site = next((frame(f) for f in frames if not f["method"]["type"]["name"].startswith(("java.", "jdk.", "sun."))), frame(frames[0]))
            by_site[site] += w
    total = sum(by_class.values()) or 1
    print("== allocation samples: %d, %.0f MB weight; by class" % (len(allocs), total / 1e6))
    for k, v in by_class.most_common(n):
        print("%6.1f%%  %s" % (100.0 * v / total, k))
    print("== by allocating frame outside the JDK")
    for k, v in by_site.most_common(n):
        print("%6.1f%%  %s" % (100.0 * v / total, k))


if __name__ == "__main__":
    main()
