#!/usr/bin/env python3
"""Compare Driehoek's pseudonymisation detector with deduce on the annotated set.

Reads crates/domain/data/pseudonymise-annotated.txt ([[kind:text]] markup), runs both tools on
the same plain text, prints recall and precision per kind (exact span match and lenient overlap
match) and overall, then throughput in MB/s on a ~10 MB file made by repeating the sentences.

Offsets are Unicode code points on both sides (Python str indices; the Driehoek contract).
Usage: pseudonymise_compare.py --ours "PATH [SUBCOMMAND]" [--size-mb 10] [--deduce-mb 10]
"""
import argparse
import json
import os
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

KINDS = ["name", "room", "date", "phone", "email", "postcode", "address", "id"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANNOTATED = os.path.join(ROOT, "crates/domain/data/pseudonymise-annotated.txt")
MARK = re.compile(r"\[\[([a-z]+):(.*?)\]\]")
POSTCODE = re.compile(r"\b[1-9]\d{3} ?[A-Z]{2}\b")

# deduce tag -> our kind; None = outside our kinds (counted, not scored).
DEDUCE_TAGS = {
    "persoon": "name", "patient": "name", "voornaam": "name", "achternaam": "name",
    "pseudo_name": "name", "datum": "date", "telefoonnummer": "phone",
    "emailadres": "email", "bsn": "id", "id": "id", "patientnummer": "id",
    "leeftijd": None, "url": None, "ziekenhuis": None, "zorginstelling": None,
    "instelling": None,
}


def parse_annotated(path):
    """Plain text lines and gold spans (start, end, kind) in document code points."""
    lines, gold, offset = [], [], 0
    with open(path, encoding="utf-8") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if not raw.strip() or raw.startswith("#"):
                continue
            text, pos = "", 0
            for m in MARK.finditer(raw):
                text += raw[pos:m.start()]
                kind, original = m.group(1), m.group(2)
                assert kind in KINDS, kind
                gold.append((offset + len(text), offset + len(text) + len(original), kind))
                text += original
                pos = m.end()
            text += raw[pos:]
            lines.append(text)
            offset += len(text) + 1
    return lines, gold


def run_ours(cmd, path):
    out = subprocess.run(cmd + ["--format", "json", path], check=True, capture_output=True)
    return json.loads(out.stdout)


def ours_spans(cmd, doc):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(doc)
        path = f.name
    try:
        result = run_ours(cmd, path)
    finally:
        os.unlink(path)
    for s in result["spans"]:
        assert doc[s["start"]:s["end"]] == s["text"], s
    return [(s["start"], s["end"], s["kind"]) for s in result["spans"]], {}


def deduce_kind(tag, text):
    if tag in ("locatie", "straat", "adres"):
        if POSTCODE.search(text):
            return "postcode"
        # Place names ("Maastricht") are not among the kinds the method asks to replace.
        return "address" if re.search(r"\d", text) else None
    return DEDUCE_TAGS.get(tag)


def deduce_spans(deducer, doc):
    spans, ignored = [], defaultdict(int)
    for a in deducer.deidentify(doc).annotations:
        kind = deduce_kind(a.tag, a.text)
        if kind is None:
            ignored[a.tag] += 1
        else:
            spans.append((a.start_char, a.end_char, kind))
    return spans, dict(ignored)


def score(gold, pred, kind_blind=False):
    """Per kind: gold, pred, exact P/R, lenient P/R; plus 'overall'."""
    key = (lambda s: "any") if kind_blind else (lambda s: s[2])
    kinds = ["any"] if kind_blind else KINDS
    rows = {}
    for k in kinds:
        g = [s for s in gold if key(s) == k]
        p = [s for s in pred if key(s) == k]
        gs = {(s[0], s[1]) for s in g}
        ps = {(s[0], s[1]) for s in p}
        exact = len(gs & ps)
        overlap = lambda a, b: a[0] < b[1] and b[0] < a[1]
        g_hit = sum(1 for s in g if any(overlap(s, t) for t in p))
        p_hit = sum(1 for s in p if any(overlap(s, t) for t in g))
        rows[k] = (len(g), len(p), exact, g_hit, p_hit)
    if not kind_blind:
        rows["overall"] = tuple(sum(r[i] for r in rows.values()) for i in range(5))
    return rows


def ratio(a, b):
    return a / b if b else float("nan")


def print_table(title, rows):
    print(f"\n{title}")
    print(f"  {'kind':<9} {'gold':>4} {'pred':>4}  {'exact-P':>7} {'exact-R':>7}  {'lenient-P':>9} {'lenient-R':>9}")
    for k, (g, p, exact, g_hit, p_hit) in rows.items():
        print(f"  {k:<9} {g:>4} {p:>4}  {ratio(exact, p):>7.3f} {ratio(exact, g):>7.3f}"
              f"  {ratio(p_hit, p):>9.3f} {ratio(g_hit, g):>9.3f}")


def big_document(lines, size_mb):
    block = "\n".join(lines) + "\n"
    target = int(size_mb * 1_000_000)
    return block * (target // len(block.encode("utf-8")) + 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ours", required=True, help='command, e.g. "target/release/driehoek pseudonymise"')
    ap.add_argument("--size-mb", type=float, default=10.0, help="throughput file size (MB)")
    ap.add_argument("--deduce-mb", type=float, default=10.0,
                    help="deduce is slow: time it on this many MB of the throughput text")
    ap.add_argument("--deduce-whole", action="store_true",
                    help="give deduce the text as one document (superlinear: >10 CPU-min for 10 MB)"
                         " instead of one transcript-sized document per repeat")
    ap.add_argument("--skip-deduce", action="store_true")
    args = ap.parse_args()
    ours_cmd = shlex.split(args.ours)

    lines, gold = parse_annotated(ANNOTATED)
    doc = "\n".join(lines)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times inflate under load; CPU times less so)")
    print(f"annotated set: {len(lines)} utterances, {len(gold)} gold spans, {len(doc)} code points")

    results = {"driehoek": ours_spans(ours_cmd, doc)}
    deducer = None
    if not args.skip_deduce:
        import deduce  # noqa: E402 (installed by bench/pseudonymise-compare into bench/.venv)
        t = time.perf_counter()
        deducer = deduce.Deduce()
        print(f"deduce {getattr(deduce, '__version__', '?')}: loaded in {time.perf_counter() - t:.1f} s")
        results["deduce"] = deduce_spans(deducer, doc)

    for tool, (pred, ignored) in results.items():
        print_table(f"== {tool}: per kind (exact = same start/end/kind; lenient = overlaps a span of the same kind)",
                    score(gold, pred))
        print_table(f"== {tool}: any identifier, kind ignored", score(gold, pred, kind_blind=True))
        if ignored:
            print(f"  not scored (outside our kinds): {ignored}")

    big = big_document(lines, args.size_mb)
    big_bytes = len(big.encode("utf-8"))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(big)
        path = f.name
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = run_ours(ours_cmd, path)
        dt = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        mb = big_bytes / 1e6
        print(f"\nthroughput driehoek: {mb:.1f} MB in {dt:.2f} s wall = {mb / dt:.1f} MB/s;"
              f" {cpu:.2f} s CPU = {mb / cpu:.1f} MB/s"
              f" (whole process: read, detect, JSON out; {len(out['spans'])} spans)")
    finally:
        os.unlink(path)
    if deducer is not None:
        block = "\n".join(lines) + "\n"
        block_bytes = len(block.encode("utf-8"))
        repeats = max(1, int(args.deduce_mb * 1_000_000 // block_bytes))
        # One document per repeat of the annotated set (~12 kB, a transcript's size), which is
        # how deduce is used; --deduce-whole gives it everything as a single document.
        docs = [block * repeats] if args.deduce_whole else [block] * repeats
        t, c = time.perf_counter(), time.process_time()
        annotations = sum(len(deducer.deidentify(d).annotations) for d in docs)
        dt, cpu = time.perf_counter() - t, time.process_time() - c
        mb = repeats * block_bytes / 1e6
        shape = "1 document" if args.deduce_whole else f"{len(docs)} documents of {block_bytes / 1e3:.0f} kB"
        print(f"throughput deduce:   {mb:.1f} MB ({shape}) in {dt:.1f} s wall = {mb / dt:.3f} MB/s;"
              f" {cpu:.1f} s CPU = {mb / cpu:.3f} MB/s"
              f" (deidentify only, lookup lists already loaded; {annotations} annotations)")


if __name__ == "__main__":
    sys.exit(main())
