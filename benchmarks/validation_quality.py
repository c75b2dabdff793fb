"""Validation quality against the fixture truth: per discrepancy code, expected / found / missed / false.

Each fixture application is ingested (the real pipeline, OCR included) into a data folder, then
checked with its checklist, exactly as ``dossier check`` does. A finding matches a seeded defect
when code and subject agree (the ``defects`` of ``fixtures/<name>.truth.json``, beside the folder).
sample-clean has none: every blocking finding there is a false alarm, and the goal is zero.

    python benchmarks/validation_quality.py [--apps sample-upgrade,sample-renewal,sample-clean]
        [--home DIR] [--show]
    python benchmarks/validation_quality.py --set tune|measure [--set-dir DIR]   # fixtures/variants

A defect of the second family may name the files its finding can fall on (``subject_file``,
``related_files``: a project's documents disagree, and which one is the odd one is the rule's
call); a finding on any of them counts.

``--home`` (or ``$DOSSIER_BENCH_HOME``) keeps the ingested applications and their OCR between
runs: a re-run after a change to validation costs seconds. Prints the check time per application
and its ratio to the time the same process spent loading the stored facts (the baseline).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dossier.config import load_settings  # noqa: E402
from dossier.store import repo  # noqa: E402
from dossier.store.db import init_db  # noqa: E402
from dossier.workers.local import ingest_and_process  # noqa: E402
from dossier.workflow.check import check_application, find_discrepancies, resolve_checklist  # noqa: E402
from dossier.workflow.facts import load_application  # noqa: E402
from fixtures import load_truth  # noqa: E402
from fixtures.variants import set_folders  # noqa: E402

APPS = ("sample-upgrade", "sample-renewal", "sample-clean")


def stored(db, name: str) -> bool:
    with db.session() as session:
        try:
            rows = repo.document_status(session, name)
        except Exception:  # noqa: BLE001 - ApplicationNotFound: not ingested yet
            return False
    return bool(rows) and all(r.status in ("processed", "failed") for r in rows)


def accepted_subjects(truth: dict) -> dict[tuple[str, str], set[str]]:
    """(code, subject) of each seeded defect -> the subjects a finding of it may name: its own, and
    the files it may fall on (``subject_file``, ``related_files``)."""
    sha = {path: entry["sha256"] for path, entry in truth["files"].items()}
    return {(d["code"], d["subject"]): {d["subject"], *(sha[f] for f in [d.get("subject_file"), *d.get("related_files", [])]
                                                      if f in sha)}
            for d in truth["defects"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", default=",".join(APPS), help="fixture names or application folders")
    parser.add_argument("--set", choices=("tune", "measure"), help="the second fixture family's set instead")
    parser.add_argument("--set-dir", help="where that set is (built there when missing)")
    parser.add_argument("--home", default=os.environ.get("DOSSIER_BENCH_HOME"))
    parser.add_argument("--show", action="store_true", help="print every missed and false finding")
    args = parser.parse_args()
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="dossier-vq-"))
    settings = load_settings(home=home, database_url=f"sqlite:///{home / 'dossier.db'}", broker_url=None)
    db = init_db(settings)
    totals: dict[str, Counter] = {}
    print(f"{'application':16} {'ingest s':>9} {'load s':>7} {'check s':>8} {'ratio':>6} "
          f"{'expected':>8} {'found':>6} {'missed':>6} {'false':>6} {'false blocking':>14}")
    folders = set_folders(args.set, args.set_dir) if args.set else [
        Path(app) if "/" in app else ROOT / "fixtures" / app for app in args.apps.split(",")]
    for folder in folders:
        name = folder.name
        truth = load_truth(folder)
        start = time.perf_counter()
        if not stored(db, name):
            ingest_and_process([folder], name, settings, db=db)
        ingest = time.perf_counter() - start
        start = time.perf_counter()
        load_application(db, settings, name)
        load = time.perf_counter() - start
        start = time.perf_counter()
        findings = check_application(db, settings, name, actor="benchmark").findings
        check = time.perf_counter() - start
        expected = {(d["code"], d["subject"]) for d in truth["defects"]}
        got = {(d.code, d.subject): d for d in findings}
        accepted = accepted_subjects(truth)
        found = {key: next((g for g in got if g[0] == key[0] and g[1] in accepted[key]), None) for key in expected}
        hits = {key for key, match in found.items() if match is not None}
        matched = {match for match in found.values() if match is not None}
        false = [got[key] for key in sorted(set(got) - matched)]
        for code, _ in expected:
            totals.setdefault(code, Counter())["expected"] += 1
        for code, _ in hits:
            totals[code]["found"] += 1
        for code, _ in expected - hits:
            totals[code]["missed"] += 1
        for d in false:
            totals.setdefault(d.code, Counter())["false"] += 1
        false_blocking = sum(d.severity == "blocking" for d in false)
        print(f"{name:16} {ingest:9.1f} {load:7.2f} {check:8.2f} {check / load if load else 0:6.2f} "
              f"{len(expected):8} {len(hits):6} {len(expected - hits):6} {len(false):6} {false_blocking:14}")
        if args.show:
            for code, subject in sorted(expected - hits):
                print(f"    missed {code:24} {subject}")
            for d in false:
                print(f"    false  {d.code:24} {d.severity:8} {d.message[:90]}")
    print()
    print(f"{'code':26} {'expected':>8} {'found':>6} {'missed':>6} {'false':>6}")
    for code in sorted(totals):
        t = totals[code]
        print(f"{code:26} {t['expected']:8} {t['found']:6} {t['missed']:6} {t['false']:6}")
    all_expected = sum(t["expected"] for t in totals.values())
    all_found = sum(t["found"] for t in totals.values())
    all_false = sum(t["false"] for t in totals.values())
    print(f"{'total':26} {all_expected:8} {all_found:6} {all_expected - all_found:6} {all_false:6}")
    print(f"recall {all_found / all_expected:.1%}" if all_expected else "recall n/a")
    scale(db, settings, folders[0].name)
    db.dispose()


def scale(db, settings, name: str, copies: int = 7) -> None:
    """Validation time of an application ``copies`` times the size of ``name`` (every document
    repeated under new hashes), against ``name`` itself in the same process: the rules, the
    entity resolution and the checklist selection, as check runs them (goal: 300 documents < 2 s)."""
    loaded = load_application(db, settings, name)
    checklist = resolve_checklist(loaded.spec, None)

    def grown(k: int):
        def rehash(sha: str) -> str:
            return f"{k:02x}{sha[2:]}"
        facts = [f.model_copy(update={"document": f.document.model_copy(update={"sha256": rehash(f.sha256)})})
                 for f in loaded.facts]
        docs = [d.model_copy(update={"sha256": rehash(d.sha256)}) for d in loaded.packet_documents]
        return facts, docs

    parts = [grown(k) for k in range(copies)]
    big = replace(loaded, facts=[f for facts, _ in parts for f in facts],
                  packet_documents=[d for _, docs in parts for d in docs])
    start = time.perf_counter()
    find_discrepancies(loaded, checklist)
    base = time.perf_counter() - start
    start = time.perf_counter()
    found = find_discrepancies(big, checklist)
    large = time.perf_counter() - start
    print(f"\nvalidation of {name}: {len(loaded.facts)} documents {base:.3f} s; "
          f"x{copies}: {len(big.facts)} documents, {len(found)} findings, {large:.3f} s "
          f"({large / base:.1f}x the time for {len(big.facts) / len(loaded.facts):.0f}x the documents; goal < 2 s)")


if __name__ == "__main__":
    main()
