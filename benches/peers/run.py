#!/usr/bin/env python3
"""psa-clients beside its Python peers, in one run: paging 100k tickets and decoding one 1000-ticket page.

    python3 benches/peers/run.py [--tickets 100000] [--runs 3]

What it does, all on 127.0.0.1:
1. installs the peers into a throw-away virtual environment under $CARGO_TARGET_DIR (or target/)/peers-venv:
   pyconnectwise (pinned below). No Autotask REST client for Python installs from PyPI (`autotask` is a Django
   task queue, `atws` speaks the retired SOAP API), so Autotask has no peer row;
2. builds the release psa-emulator and the `large_export` example;
3. starts one psa-emulator process with --tickets N (each vendor gets N tickets);
4. pages every ConnectWise ticket (1000 per page) with psa-clients and with pyconnectwise, and every Autotask
   ticket (500 per page) with psa-clients, each as its own process, interleaved run after run; wall time and the
   process's peak RSS (getrusage of the child);
5. runs `cargo bench --bench decode` (typed vs serde_json::Value vs IgnoredAny) and pyconnectwise's decode of the
   same page, and prints one markdown table with medians and ratios.
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYCONNECTWISE = "pyconnectwise==0.6.1.2"
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


def fixtures_dir() -> Path:
    return Path(os.environ.get("PSA_FIXTURES_DIR", ROOT.parent / "shared" / "fixtures"))


def venv() -> Path:
    path = target_dir() / "peers-venv"
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", PYCONNECTWISE], check=True)
    return python


def cargo(*args: str) -> None:
    env = dict(os.environ, CARGO_INCREMENTAL="0")
    subprocess.run(["cargo", *args], cwd=ROOT, check=True, env=env)


def start_emulator(tickets: int):
    binary = target_dir() / "release" / "psa-emulator"
    proc = subprocess.Popen(
        [str(binary), "--listen", "127.0.0.1:0", "--tickets", str(tickets)],
        stdout=subprocess.PIPE,
        text=True,
    )
    env = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.match(r"export (\w+)='(.*)'$", line.strip())
        if m:
            env[m.group(1)] = m.group(2)
        # The BMS variables come last.
        if "PSA_BMS_TOTP_SECRET" in env:
            break
    return proc, env


def run_child(cmd, env):
    """Runs `cmd` and returns (wall seconds, peak RSS in MB, stdout), measured for this child alone."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read()
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({status}): {text}")
    return wall, usage.ru_maxrss / 1024, text


def exported(text: str) -> int:
    m = re.search(r"exported (\d+) tickets", text)
    return int(m.group(1)) if m else 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--decode-rounds", type=int, default=15)
    args = parser.parse_args()

    python = venv()
    cargo("build", "--release", "-p", "psa-emulator")
    features = "bms,autotask,connectwise-service"
    cargo("build", "--release", "-p", "psa-clients", "--no-default-features", "--features", features,
          "--example", "large_export")
    export = str(target_dir() / "release" / "examples" / "large_export")

    emulator, emu_env = start_emulator(args.tickets)
    try:
        base = {k: v for k, v in os.environ.items() if not k.startswith("PSA_")}
        cw_env = dict(base, **{k: v for k, v in emu_env.items() if k.startswith("PSA_CW_")})
        at_env = dict(base, **{k: v for k, v in emu_env.items() if k.startswith("PSA_AUTOTASK_")})
        jobs = [
            ("ConnectWise", "psa-clients", [export, "connectwise"], cw_env),
            ("ConnectWise", "pyconnectwise", [str(python), str(HERE / "pyconnectwise_export.py")], cw_env),
            ("Autotask", "psa-clients", [export, "autotask"], at_env),
        ]
        results = {(vendor, who): [] for vendor, who, _, _ in jobs}
        for run in range(args.runs):
            for vendor, who, cmd, env in jobs:
                wall, rss, text = run_child(cmd, env)
                count = exported(text)
                if count != args.tickets:
                    raise SystemExit(f"{who} exported {count} of {args.tickets} {vendor} tickets: {text}")
                results[(vendor, who)].append((wall, rss))
                print(f"run {run + 1}: {vendor:11} {who:13} {wall:6.2f} s {rss:7.1f} MB", flush=True)
    finally:
        emulator.terminate()
        emulator.wait()

    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        env = dict(os.environ, PSA_BENCH_OUT=out.name, CARGO_INCREMENTAL="0")
        subprocess.run(["cargo", "bench", "-p", "psa-clients", "--no-default-features", "--features",
                        "connectwise-service", "--bench", "decode"], cwd=ROOT, env=env, check=True)
        rust = json.load(open(out.name))
    py = json.loads(subprocess.run(
        [str(python), str(HERE / "pyconnectwise_decode.py"), str(fixtures_dir()), str(args.decode_rounds)],
        check=True, capture_output=True, text=True).stdout)

    print(f"\n## Paging {args.tickets} tickets from one psa-emulator process ({args.runs} runs each, interleaved; medians)\n")
    print("| vendor | client | wall | records/s | peak RSS |")
    print("|---|---|---|---|---|")
    for (vendor, who), samples in results.items():
        wall = statistics.median(s[0] for s in samples)
        rss = statistics.median(s[1] for s in samples)
        print(f"| {vendor} | {who} | {wall:.2f} s | {args.tickets / wall:,.0f} | {rss:.0f} MB |")
    ours = statistics.median(s[0] for s in results[("ConnectWise", "psa-clients")])
    theirs = statistics.median(s[0] for s in results[("ConnectWise", "pyconnectwise")])
    print(f"\nConnectWise: psa-clients is {theirs / ours:.1f}× pyconnectwise's records/s.")

    for page, label in [("tickets_1000", "references as the API sends them"),
                        ("tickets_1000_full_refs", "the fixture as is, whole records in the references")]:
        m = rust[page]["median_ms"]
        floor = m["ignored_any"]
        print(f"\n## Decoding one 1000-ticket ConnectWise page: {label} ({rust[page]['bytes'] / 1e6:.1f} MB; "
              f"as Python writes it {py[page]['bytes'] / 1e6:.1f} MB)\n")
        print("| decode | median | × parse floor |")
        print("|---|---|---|")
        for name, text in [("ignored_any", "serde `IgnoredAny` (parse floor)"), ("value", "`serde_json::Value`"),
                           ("typed", "psa-clients `Vec<Ticket>` (what a list call does)"),
                           ("typed_plain", "`Vec<Ticket>` through plain `serde_json::from_slice`")]:
            print(f"| {text} | {m[name]:.1f} ms | {m[name] / floor:.1f} |")
        pm = py[page]["median_ms"]
        print(f"| pyconnectwise `Ticket.model_validate` | {pm:.1f} ms | {pm / floor:.1f} |")
        print(f"\ntyped is {m['value'] / m['typed']:.2f}× as fast as Value and {pm / m['typed']:.1f}× as fast as "
              "pyconnectwise.")


if __name__ == "__main__":
    main()
