"""Every hostile and real-world file through ``dossier ingest`` and ``dossier extract``.

Files: all of the shared corpus (``../shared/corpus/index.json``) and ``fixtures/bad``; with
``--passwords``, the corpus's password-protected PDFs once more with their passwords (from its
PROVENANCE.md). Each file runs in its own process (``python -m dossier.cli``) against one fresh
temporary ``DOSSIER_HOME``: first ``ingest FILE -a corpus --json``, then ``extract FILE --json``
(which finds the OCR cache the ingest left). Per run: a time limit (the process group is killed
when it is exceeded: "hung"), wall seconds, and the peak memory of the process tree (RSS summed
over the process and its OCR workers, sampled every 0.05 s).

Outcomes: ``processed``; ``quarantined`` with the reason the user sees; ``crashed`` (a non-zero
exit the command does not define, a traceback, or no result line); ``hung``. At the end every
original is checked: the source file still hashes as before and the archived copy is byte for
byte the same (``originals altered``), and ``dossier verify`` must pass.

    python benchmarks/corpus_run.py [--corpus DIR] [--only TEXT] [--timeout 600] [--passwords] [--json FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tree_rss import TreeRss  # benchmarks/ is on the path when run as a script

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
BAD = ROOT / "fixtures" / "bad"
# Known passwords of the corpus's encrypted files (its PROVENANCE.md, "Passwords").
PASSWORDS = {
    "pdf/encrypted/pypdf_r6_aes256_user_foo_owner_bar.pdf": "foo",
    "pdf/encrypted/pypdf_r4_aes128_userpw.pdf": "asdfzxcv",
    "pdf/encrypted/pdfminer_rc4_128_user_baz.pdf": "baz",
    "pdf/encrypted/pdfplumber_password_test.pdf": "test",
    "pdf/encrypted/pdfjs_saslprep_r6_unicode_pw.pdf": "S\u00aaSL\u00adprep",
    "pdf/encrypted/pypdf_libreoffice_writer_pw.pdf": "openpassword",
}
# ``dossier`` exit codes that are answers, not crashes: 0, and 3 (extract: every file unreadable).
DEFINED_EXITS = {"ingest": {0}, "extract": {0, 3}}


def sha256_of(path: Path) -> str:
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass
class Run:
    outcome: str = "crashed"  # processed | quarantined | crashed | hung
    reason: str = ""
    seconds: float = 0.0
    peak_mib: float = 0.0
    exit_code: int | None = None


@dataclass
class FileResult:
    label: str
    path: str
    sha256: str
    ingest: Run = field(default_factory=Run)
    extract: Run = field(default_factory=Run)
    original_kept: bool | None = None  # None: nothing was archived (not a failure by itself)


def run_dossier(args: list[str], env: dict[str, str], timeout: float) -> tuple[Run, str]:
    """One ``dossier`` command in its own process group, timed and measured."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "dossier.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    rss = TreeRss(proc.pid, interval=0.05).start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        run = Run("hung", f"no result within {timeout:.0f} s")
    else:
        run = Run(exit_code=proc.returncode)
    run.seconds = round(time.monotonic() - started, 2)
    run.peak_mib = round(rss.stop() / 2**20, 1)
    if run.outcome != "hung" and ("Traceback (most recent call last)" in err):
        run.outcome, run.reason = "crashed", err.strip().splitlines()[-1][:200]
    return run, out + ("\n" + err if run.outcome == "crashed" else "")


def _json_lines(text: str) -> list[dict]:
    found = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except ValueError:
                pass
    return found


def ingest(file: Path, env: dict[str, str], timeout: float, password: str | None) -> Run:
    extra = ["--password", password] if password else []
    run, output = run_dossier(["ingest", str(file), "-a", "corpus", "--json", *extra], env, timeout)
    if run.outcome == "hung" or run.reason:
        return run
    lines = _json_lines(output)
    if run.exit_code not in DEFINED_EXITS["ingest"] or len(lines) != 1:
        run.reason = f"exit {run.exit_code}: {output.strip().splitlines()[-1] if output.strip() else ''}"[:200]
        return run
    line = lines[0]
    if line["status"] == "processed":
        run.outcome = "processed"
    elif line["status"] == "failed" or line["intake"] == "quarantined":
        run.outcome, run.reason = "quarantined", line.get("reason") or ""
        if not run.reason:
            run.outcome, run.reason = "crashed", "quarantined without a reason"
    else:
        run.reason = f"unexpected status {line['status']!r} ({line['intake']})"
    return run


def extract(file: Path, env: dict[str, str], timeout: float, password: str | None) -> Run:
    extra = ["--password", password] if password else []
    run, output = run_dossier(["extract", str(file), "--json", *extra], env, timeout)
    if run.outcome == "hung" or run.reason:
        return run
    docs = _json_lines(output)
    if run.exit_code not in DEFINED_EXITS["extract"] or not docs:
        run.reason = f"exit {run.exit_code}: {output.strip().splitlines()[-1] if output.strip() else ''}"[:200]
        return run
    errors = [e for doc in docs for e in doc.get("errors", [])]
    if all(doc.get("pages", 0) == 0 for doc in docs):
        run.outcome, run.reason = "quarantined", (errors[0] if errors else "no pages")
    else:
        run.outcome = "processed"
        run.reason = f"{len(errors)} page error(s)" if errors else ""
    return run


def corpus_files(corpus: Path, with_passwords: bool) -> list[tuple[str, Path, str | None]]:
    files: list[tuple[str, Path, str | None]] = []
    if (corpus / "index.json").is_file():
        for entry in json.loads((corpus / "index.json").read_text(encoding="utf-8")):
            files.append((entry["path"], corpus / entry["path"], None))
        if with_passwords:
            files += [(f"{name} (password)", corpus / name, pw) for name, pw in PASSWORDS.items()
                      if (corpus / name).is_file()]
    files += [(f"fixtures/bad/{p.name}", p, None) for p in sorted(BAD.iterdir())
              if p.is_file() and p.name != "expected.json"]
    return files


def check_originals(results: list[FileResult], home: Path) -> None:
    archive = home / "originals"
    for result in results:
        source_same = sha256_of(Path(result.path)) == result.sha256
        blob = archive / result.sha256[:2] / result.sha256
        if not blob.exists():
            result.original_kept = False if source_same is False else None
            continue
        result.original_kept = source_same and blob.read_bytes() == Path(result.path).read_bytes()


def print_table(results: list[FileResult], verify_ok: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=200)
    table = Table(title="corpus run: dossier ingest + dossier extract, one process per file")
    for col in ("file", "ingest", "reason", "s", "MiB", "extract", "s", "MiB", "original"):
        table.add_column(col, overflow="fold")
    for r in results:
        kept = {True: "kept", False: "ALTERED", None: "—"}[r.original_kept]
        table.add_row(r.label, r.ingest.outcome, r.ingest.reason, f"{r.ingest.seconds:.1f}", f"{r.ingest.peak_mib:.0f}",
                      r.extract.outcome + (f" ({r.extract.reason})" if r.extract.outcome != r.ingest.outcome
                                           and r.extract.reason else ""),
                      f"{r.extract.seconds:.1f}", f"{r.extract.peak_mib:.0f}", kept)
    console.print(table)
    totals = Table(title="totals")
    for col in ("", "processed", "quarantined", "crashed (goal 0)", "hung (goal 0)", "slowest s", "peak MiB"):
        totals.add_column(col)
    for stage in ("ingest", "extract"):
        runs = [getattr(r, stage) for r in results]
        totals.add_row(stage, *(str(sum(run.outcome == o for run in runs))
                                for o in ("processed", "quarantined", "crashed", "hung")),
                       f"{max(run.seconds for run in runs):.1f}", f"{max(run.peak_mib for run in runs):.0f}")
    console.print(totals)
    altered = sum(r.original_kept is False for r in results)
    console.print(f"files {len(results)}; originals altered (goal 0): {altered}; "
                  f"dossier verify: {'ok' if verify_ok else 'PROBLEMS'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", help="run only files whose label contains this text")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per command and file")
    parser.add_argument("--passwords", action="store_true", help="also run encrypted PDFs with their password")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary DOSSIER_HOME")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="dossier-corpus-"))
    env = {**os.environ, "DOSSIER_HOME": str(home),
           "DOSSIER_OCR_PROCESSES": os.environ.get("DOSSIER_OCR_PROCESSES", "1")}
    for name in ("DOSSIER_DATABASE_URL", "DOSSIER_BROKER_URL", "DOSSIER_CONFIG"):
        env.pop(name, None)
    files = [f for f in corpus_files(args.corpus, args.passwords) if not args.only or args.only in f[0]]
    results: list[FileResult] = []
    for number, (label, path, password) in enumerate(files, start=1):
        result = FileResult(label, str(path), sha256_of(path))
        result.ingest = ingest(path, env, args.timeout, password)
        result.extract = extract(path, env, args.timeout, password)
        print(f"[{number}/{len(files)}] {label}: {result.ingest.outcome} {result.ingest.reason} "
              f"({result.ingest.seconds:.1f} s, {result.ingest.peak_mib:.0f} MiB) / extract "
              f"{result.extract.outcome} ({result.extract.seconds:.1f} s)", file=sys.stderr, flush=True)
        results.append(result)
    check_originals(results, home)
    verify, _ = run_dossier(["verify", "--json"], env, args.timeout)
    print_table(results, verify.exit_code == 0)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1),
                             encoding="utf-8")
    if not args.keep:
        import shutil
        shutil.rmtree(home, ignore_errors=True)
    bad = any(r.ingest.outcome in ("crashed", "hung") or r.extract.outcome in ("crashed", "hung")
              or r.original_kept is False for r in results)
    sys.exit(1 if bad or verify.exit_code != 0 else 0)


if __name__ == "__main__":
    main()
