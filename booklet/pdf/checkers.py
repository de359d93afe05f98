"""Independent PDF/UA checkers, run on a finished PDF so that no verdict rests on our own rules alone.

Two checkers from PyPI that need no Java: `outloud` (PDF/UA-1 after the Matterhorn
Protocol, plus WCAG 2.2 semantic checks) and `pdfua` (a smaller set of PDF/UA-1
rules). Each runs as its own command with JSON output, so a change in either's
Python API cannot break us and their findings are exactly what a user running
them would see. They are installed with the `check` extra
(`pip install 'booklet[check]'`); the test suite always has them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CHECKERS = ("outloud", "pdfua")


@dataclass(frozen=True)
class Finding:
    """One finding of an independent checker."""

    checker: str
    rule: str
    severity: str
    """error or warning (informational notes are not findings)."""
    message: str
    page: int | None = None
    count: int = 1

    def line(self) -> str:
        where = f" p.{self.page}" if self.page else ""
        times = f" ×{self.count}" if self.count > 1 else ""
        return f"{self.checker} {self.rule}{where}: {self.message}{times} ({self.severity})"


@dataclass
class Verdict:
    """What one checker said about one file."""

    checker: str
    version: str = ""
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Rules the checker could not run on this file, with its reason."""
    missing: bool = False
    """The checker is not installed."""
    failure: str = ""
    """The checker itself failed (crashed, printed no report)."""

    @property
    def passed(self) -> bool:
        return not self.missing and not self.failure and not self.findings


def executable(name: str) -> str | None:
    """The checker's command: beside this Python first (a virtual environment), then on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def run_outloud(paths: list[Path], timeout: float = 300) -> dict[Path, Verdict]:
    """outloud on every path in one run (one start-up): its errors and warnings per file."""
    exe = executable("outloud")
    if exe is None:
        return {path: Verdict("outloud", missing=True) for path in paths}
    done = _run([exe, "--json", "-", "--fail-on", "never", *map(str, paths)], timeout)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        failure = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no report"]
        return {path: Verdict("outloud", failure=failure[0]) for path in paths}
    version = str(report.get("tool", {}).get("version", ""))
    verdicts: dict[Path, Verdict] = {}
    for path, result in zip(paths, report.get("results", []), strict=False):
        verdict = Verdict("outloud", version)
        if result.get("error"):
            verdict.failure = str(result["error"])
        for item in result.get("findings", []):
            if item.get("severity") in ("error", "warning"):
                verdict.findings.append(
                    Finding(
                        "outloud",
                        str(item.get("rule")),
                        str(item["severity"]),
                        str(item.get("message", "")),
                        item.get("page"),
                        int(item.get("count", 1)),
                    )
                )
        verdicts[path] = verdict
    for path in paths:
        verdicts.setdefault(path, Verdict("outloud", version, failure="no result for this file"))
    return verdicts


def run_pdfua(path: Path, timeout: float = 120) -> Verdict:
    """pdfua on one file: its errors and warnings, and the rules it could not run."""
    exe = executable("pdfua")
    if exe is None:
        return Verdict("pdfua", missing=True)
    done = _run([exe, "check", "--format", "json", str(path)], timeout)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        failure = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no report"]
        return Verdict("pdfua", failure=failure[0])
    verdict = Verdict("pdfua", _pdfua_version(exe))
    for item in report.get("findings", []):
        severity = str(item.get("severity", "")).lower()
        if severity in ("error", "warning"):
            location = item.get("location") or {}
            verdict.findings.append(
                Finding(
                    "pdfua",
                    str(item.get("rule_id", item.get("rule", "?"))),
                    severity,
                    str(item.get("message", "")),
                    location.get("page") if isinstance(location, dict) else None,
                )
            )
    verdict.skipped = [f"{s.get('rule_id')}: {s.get('reason')}" for s in report.get("skipped", [])]
    return verdict


def _pdfua_version(exe: str) -> str:
    done = _run([exe, "--version"], 30)
    return done.stdout.strip().removeprefix("pdfua").strip()


def check_independently(paths: list[Path]) -> dict[Path, list[Verdict]]:
    """Both checkers' verdicts for every path."""
    outloud = run_outloud(paths)
    return {path: [outloud[path], run_pdfua(path)] for path in paths}


def print_verdicts(
    verdicts: list[Verdict],
    print_line: Callable[[str], None],
    install: Callable[[str], str],
    clean: Callable[[Verdict], str],
) -> tuple[list[str], list[str]]:
    """Print one PASS/FAIL/WARN block per checker's verdict, as `check --accessibility` shows them
    for PDFs and EPUBs alike; returns the checkers that failed and those not installed.

    `install(checker)` says how to install a missing checker, `clean(verdict)` what a pass found."""
    failed: list[str] = []
    missing: list[str] = []
    for verdict in verdicts:
        name = f"{verdict.checker} {verdict.version}".strip()
        if verdict.missing:
            missing.append(verdict.checker)
            print_line(f"  WARN  {verdict.checker}: not installed ({install(verdict.checker)})")
        elif verdict.failure:
            failed.append(verdict.checker)
            print_line(f"  FAIL  {name}: the checker could not read the file ({verdict.failure})")
        elif verdict.findings:
            failed.append(verdict.checker)
            print_line(f"  FAIL  {name}: {len(verdict.findings)} finding(s)")
            for finding in verdict.findings:
                print_line(f"        {finding.line()}")
        else:
            print_line(f"  PASS  {name}: {clean(verdict)}")
    return failed, missing
