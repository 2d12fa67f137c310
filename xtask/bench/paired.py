#!/usr/bin/env python3
"""Paired CPU ratio against openapi-generator (BENCHMARKS.md, "Side by side with openapi-generator").

Runs our release generator and openapi-generator's Rust generator in turn on the same spec, so
that whatever else the machine is doing falls on both alike, and prints each pair's CPU time
(user + system of the process and everything it started: rustfmt for us, the JVM's threads for
it) and their ratio.

    cargo build --release -p xtask
    python3 -m venv /tmp/og && /tmp/og/bin/pip install openapi-generator-cli==7.26.0   # needs Java 11+
    python3 xtask/bench/paired.py --openapi-generator /tmp/og/bin/openapi-generator-cli \
        spec/zephr-admin-api.yaml ../shared/corpus/stripe.yaml

Each spec is generated into a fresh temporary directory by both tools (`xtask generate --spec S
--out D`: the whole pipeline and the write, as for any spec that is not the project's own).
openapi-generator runs with `--skip-validate-spec` (its validator refuses the Zephr spec) and
with SnakeYAML's limit on a document's size raised (Stripe's YAML is over it), the same for
every spec.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, env=None):
    """Wall and CPU seconds of one run; CPU counts every descendant the run waited for."""
    cpu, wall = children_cpu(), time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    wall, cpu = time.perf_counter() - wall, children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    return wall, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="+")
    parser.add_argument("--ours", default="target/release/xtask")
    parser.add_argument("--openapi-generator", default="openapi-generator-cli",
                        help="the openapi-generator command (the PyPI package's wrapper or a script running its jar)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    version = subprocess.run([args.openapi_generator, "version"], capture_output=True, text=True).stdout.strip()
    print(f"openapi-generator {version}, {args.rounds} paired rounds per spec, {os.cpu_count()} cores\n")
    print("| spec | ours: wall | ours: CPU | openapi-generator: wall | openapi-generator: CPU | CPU ratio per round |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    their_env = dict(os.environ, JAVA_OPTS="-DmaxYamlCodePoints=999999999")
    for spec in args.specs:
        ours, theirs, ratios = [], [], []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as out:
                ours.append(timed([args.ours, "generate", "--spec", spec, "--out", os.path.join(out, "ours")]))
                theirs.append(timed([args.openapi_generator, "generate", "-g", "rust", "-i", spec,
                                     "-o", os.path.join(out, "theirs"), "--skip-validate-spec"], their_env))
            ratios.append(theirs[-1][1] / ours[-1][1])

        def span(values, unit="s"):
            low, high = min(values), max(values)
            return f"{low:.2f} {unit}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f} {unit}"

        print(f"| {os.path.basename(spec)} | {span([w for w, _ in ours])} | {span([c for _, c in ours])} "
              f"| {span([w for w, _ in theirs])} | {span([c for _, c in theirs])} "
              f"| {', '.join(f'{r:.1f}×' for r in ratios)} (median {statistics.median(ratios):.1f}×) |",
              flush=True)


if __name__ == "__main__":
    main()
