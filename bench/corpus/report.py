#!/usr/bin/python3
"""Turn a run.sh run directory into bench/results/<date>-<tag>.md and .json."""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return ""


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def machine():
    model = sh("lscpu | sed -n 's/^Model name: *//p' | head -1")
    cpus = sh("nproc")
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", read("/proc/meminfo", "MemTotal: 0")).group(1))
    return {
        "host": platform.node(),
        "cpu": model,
        "cpus": cpus,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
    }


def versions(safegate, hs):
    v = {
        "hyperfine": sh("hyperfine --version"),
        "ripgrep": sh("rg --version | head -1"),
        "grep": sh("grep --version | head -1"),
        "g++": sh("g++ --version | head -1"),
        "hyperscan (libhs)": sh("dpkg-query -W -f '${Package} ${Version}\\n' libhyperscan5 libvectorscan5 2>/dev/null"),
        "python": sh("/usr/bin/python3 --version"),
        "coreutils (wc)": sh("wc --version | head -1"),
    }
    v["safegate"] = sh(f"'{safegate}' --version") if os.access(safegate, os.X_OK) else "(not built)"
    return v


def count_of(name, out, err):
    """Match count printed by each tool (a string for the table)."""
    out = out.strip()
    if name.startswith(("rg-", "grep-")):
        return out.splitlines()[-1] if out else "0"
    if name.startswith("hs"):
        m = re.search(r"matched_lines=(\d+) lines=(\d+)", out)
        return f"{m.group(1)} of {m.group(2)} lines" if m else "?"
    if name.startswith("wc-"):
        return out.split()[0] + " lines" if out else "?"
    if name.startswith("safegate-scan"):
        # The table row "wiki DOCS MB FLAGGED BAD RATE ...".
        for line in out.splitlines():
            f = line.split()
            if len(f) >= 5 and f[0] == "wiki":
                return f"{f[3]} of {f[1]} docs"
    if name.startswith("safegate-sample"):
        for line in out.splitlines():
            f = line.split()
            if len(f) >= 4 and f[0] == "wiki":
                return f"{f[2]} sampled of {f[1]}"
    if name.startswith("safegate"):
        text = (out + "\n" + err).strip()
        m = re.search(r"(\d[\d,]*)\s+(?:documents?|docs?)\s+(?:with hits|matched|flagged)", text, re.I) or \
            re.search(r"(?:documents?|docs?)[ _](?:with[ _]hits|matched|flagged)\D{0,5}(\d[\d,]*)", text, re.I)
        if m:
            return m.group(1) + " docs"
        last = [l for l in text.splitlines() if l.strip()]
        return ("`" + last[-1][:80].replace("|", "/") + "`") if last else ""
    return ""


def rss_mb(timefile):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", read(timefile))
    return int(m.group(1)) / 1024 if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--build", default="")
    ap.add_argument("--safegate", default="")
    ap.add_argument("--hs", default="")
    ap.add_argument("--runs", default="3")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    raw = os.path.join(a.run, "raw")

    rows = []
    for line in read(os.path.join(a.run, "commands.tsv")).splitlines():
        name, group, lang, inp, cmd = line.split("\t")
        hj = os.path.join(raw, name + ".json")
        row = {"name": name, "group": group, "lang": lang, "input": inp, "command": cmd,
               "input_bytes": os.path.getsize(inp) if os.path.exists(inp) else None}
        if not os.path.exists(os.path.join(raw, name + ".rc")):
            continue  # filtered out by BENCH_ONLY
        row["exit"] = int(read(os.path.join(raw, name + ".rc"), "0").strip() or 0)
        row["rss_mb"] = rss_mb(os.path.join(raw, name + ".time"))
        out, err = read(os.path.join(raw, name + ".out")), read(os.path.join(raw, name + ".err"))
        row["count"] = count_of(name, out, err)
        row["stdout_tail"] = out[-2000:]
        row["stderr_tail"] = err[-2000:]
        if os.path.exists(hj):
            h = json.load(open(hj))["results"][0]
            row["times"] = h["times"]
            row["median_s"] = statistics.median(h["times"])
            row["hyperfine"] = h
            if row["input_bytes"]:
                row["mb_s"] = row["input_bytes"] / 1e6 / row["median_s"]
        rows.append(row)
    by = {r["name"]: r for r in rows}

    def med(n):
        r = by.get(n)
        return r.get("median_s") if r else None

    ratios = []

    def ratio(label, num, den, note=""):
        a_, b_ = med(num), med(den)
        if a_ and b_:
            ratios.append((label, f"{a_ / b_:.2f}", note))
        else:
            ratios.append((label, "n/a", "missing: " + ", ".join(x for x in (num, den) if not med(x))))

    langs = sorted({r["lang"] for r in rows}, key=lambda l: (l != "en", l))
    for L in langs:
        ratio(f"{L}: safegate -j1 / bare Hyperscan 1 thread", f"safegate-scan-{L}-j1", f"hs-{L}-t1",
              "time ratio; >1 = safegate slower (safegate reads JSONL, normalises, reports hits)")
        ratio(f"{L}: safegate -j2 / bare Hyperscan 2 threads", f"safegate-scan-{L}-j2", f"hs-{L}-t2", "time ratio")
        ratio(f"{L}: safegate -j1 / rg -F (case-sensitive)", f"safegate-scan-{L}-j1", f"rg-{L}", "time ratio")
        ratio(f"{L}: safegate -j1 / LC_ALL=C grep -F -i", f"safegate-scan-{L}-j1", f"grep-C-i-{L}", "time ratio")
        ratio(f"{L}: safegate -j2 / -j1", f"safegate-scan-{L}-j2", f"safegate-scan-{L}-j1",
              "ideal 0.5 on 2 idle cores")
        ratio(f"{L}: bare Hyperscan 2 threads / 1 thread", f"hs-{L}-t2", f"hs-{L}-t1", "ideal 0.5")
        ratio(f"{L}: bare Hyperscan per-line calls / one block scan", f"hs-lines-{L}-t1", f"hs-{L}-t1",
              "per-document call overhead")
        ratio(f"{L}: safegate sample / wc -l", f"safegate-sample-{L}", f"wc-l-{L}", "time ratio; same JSONL")

    work = a.work
    stats = json.loads(read(os.path.join(work, "keywords-stats.json"), "{}") or "{}")
    corpora = {}
    for L in langs:
        c = read(os.path.join(work, f"corpus-{L}.json"))
        if c:
            corpora[L] = json.loads(c)
    mach = machine()
    vers = versions(a.safegate, a.hs)
    skipped = [l for l in read(os.path.join(a.run, "skipped.txt")).splitlines() if l.strip()]
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")

    md = []
    md.append(f"# Corpus scan benchmark, {now}\n")
    md.append(f"Generated by `bench/corpus/run.sh` (`bench/README.md` explains each line). "
              f"Warm page cache; hyperfine, 1 warm-up + {a.runs} runs; median wall time. "
              f"MB/s = input file bytes / median time (10^6 bytes). Peak RSS from one extra run under "
              f"`/usr/bin/time -v`.\n")
    md.append("## Machine\n")
    md.append(f"- host: {mach['host']}; {mach['os']}; kernel {mach['kernel']}")
    md.append(f"- CPU: {mach['cpu']}; {mach['cpus']} cores visible; RAM {mach['ram_gib']} GiB")
    md.append("- note: cores may be shared with other work (builds); a busy machine inflates every line "
              "and especially the 2-thread ones.\n")
    md.append("## Tools\n")
    for k, v in vers.items():
        md.append(f"- {k}: {v or '?'}")
    md.append("")
    md.append("## Data\n")
    for L, c in corpora.items():
        md.append(f"- {L}: {c['documents']:,} documents = {c['copies']} shuffled copies of "
                  f"{c['source_paragraphs']:,} wiki-{L} paragraphs (seed {c['seed']}); "
                  f"{L}.txt {c['txt_bytes'] / 1e6:.1f} MB, {L}.jsonl {c['jsonl_bytes'] / 1e6:.1f} MB")
    if stats:
        md.append(f"- keywords: {stats['count']:,} (kw.txt / keywords.csv, category S10): "
                  f"{', '.join(f'{k} {v}' for k, v in stats['by_source'].items())}")
        for L in langs:
            if L in stats.get("match_rate", {}):
                line = (f"- match rate {L}: {stats['matched_paragraphs'][L]} of {stats['paragraphs'][L]} source "
                        f"paragraphs = {100 * stats['match_rate'][L]:.2f} %")
                hs = by.get(f"hs-{L}-t1")
                m = re.search(r"matched_lines=(\d+) lines=(\d+)", hs["stdout_tail"]) if hs else None
                if m:
                    line += (f"; in the corpus {int(m.group(1)):,} of {int(m.group(2)):,} documents = "
                             f"{100 * int(m.group(1)) / int(m.group(2)):.2f} % (bare Hyperscan)")
                md.append(line)
    md.append("")
    if skipped:
        md.append("## Skipped\n")
        for s in skipped:
            md.append(f"- {s}")
        md.append("")
    md.append("## Results\n")
    md.append("| name | lang | input | median s (min–max) | MB/s | peak RSS MB | matches printed |")
    md.append("|---|---|---|---|---|---|---|")
    for r in rows:
        inp = f"{os.path.basename(r['input'])} {r['input_bytes'] / 1e6:.0f} MB" if r["input_bytes"] else "?"
        if "median_s" in r:
            t = r["times"]
            tm = f"{r['median_s']:.3f} ({min(t):.3f}–{max(t):.3f})"
        else:
            tm = f"failed (exit {r['exit']})"
        mbs = f"{r['mb_s']:.1f}" if "mb_s" in r else ""
        rss = f"{r['rss_mb']:.0f}" if r.get("rss_mb") is not None else ""
        md.append(f"| {r['name']} | {r['lang']} | {inp} | {tm} | {mbs} | {rss} | {r['count']} |")
    md.append("")
    md.append("## Ratios\n")
    md.append("| ratio | value | note |")
    md.append("|---|---|---|")
    for label, v, note in ratios:
        md.append(f"| {label} | {v} | {note} |")
    md.append("")
    md.append("## Agreement of the match counts\n")
    md.append("- The keywords are chosen (bench/corpus/make_keywords.py) so that ASCII-case-insensitive substring "
              "matching of the flattened line (bare Hyperscan CASELESS, `LC_ALL=C grep -F -i`) and safegate's "
              "default normalisation (NFKC, casefold, Traditional→Simplified) match exactly the same paragraphs. "
              "So `hs-*`, `grep-C-i-*` and safegate's matched-document count should be equal.")
    md.append("- `rg -c -F` is **case-sensitive** with lowercase keywords, so it counts fewer lines (a keyword "
              "at the start of a sentence, proper nouns...). It is there as a speed reference only. "
              "`rg -i` and GNU grep `-i` in a UTF-8 locale are pathological with 10k patterns "
              "(0.1–0.3 MB/s, docs/stack.md §B.3 of the shared docs) and are not run.")
    md.append("- `wc -l` on the JSONL is the floor for `corpus sample` (one pass over the same bytes).\n")
    md.append("## Commands\n")
    for r in rows:
        md.append(f"- `{r['name']}`: `{r['command']}`")
    md.append("")
    with open(a.out + ".md", "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    with open(a.out + ".json", "w", encoding="utf-8") as f:
        json.dump({"schema": "safegate.bench.corpus/1", "date": now, "machine": mach, "versions": vers, "corpora": corpora, "keywords": stats,
                   "skipped": skipped, "ratios": ratios, "results": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
