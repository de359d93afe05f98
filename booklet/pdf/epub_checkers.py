"""Independent EPUB checkers: EPUBCheck (the format) and DAISY Ace (accessibility), on a finished EPUB.

Both run as their own commands with JSON reports, exactly as a user would run them:

- EPUBCheck from Debian (`apt-get install epubcheck`). Its `epubcheck` command is a link
  to a jar, so it runs as `java -jar`; `BOOKLET_EPUBCHECK` may name another jar.
- DAISY Ace from npm (`@daisy/ace`), installed by `make ace` into the git-ignored `.ace/`
  folder of a source checkout, and run as `ace-puppeteer` in Debian's chromium
  (`PUPPETEER_EXECUTABLE_PATH`); `BOOKLET_ACE` may name another `ace-puppeteer`.

`check_epub` gives one `Verdict` per checker, in the words `check --accessibility` prints
for a PDF's checkers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from .checkers import Finding, Verdict, print_verdicts

EPUBCHECK = "EPUBCheck"
ACE = "DAISY Ace"
INSTALL = {
    EPUBCHECK: "sudo apt-get install epubcheck",
    ACE: "make ace in a source checkout, or PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 "
    "npm install --prefix .ace @daisy/ace; it runs in Debian's chromium: sudo apt-get install chromium",
}
"""How to install each checker, said when it is missing."""
CLEAN = {EPUBCHECK: "0 errors, 0 warnings", ACE: "0 violations"}

SOURCE_ROOT = Path(__file__).resolve().parents[2]

JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"]
"""A short run: the quick compiler alone and the simplest collector start EPUBCheck in about a third of the time."""


def epubcheck_jar() -> Path | None:
    """EPUBCheck's jar: `BOOKLET_EPUBCHECK`, or what Debian's `epubcheck` command links to."""
    named = os.environ.get("BOOKLET_EPUBCHECK")
    if named:
        return Path(named) if Path(named).is_file() else None
    command = shutil.which("epubcheck")
    if command is None:
        return None
    jar = Path(command).resolve()
    return jar if jar.suffix == ".jar" else None


def ace_command() -> Path | None:
    """`ace-puppeteer`: `BOOKLET_ACE`, the project's `.ace/` install (here or in the source checkout), or PATH."""
    named = os.environ.get("BOOKLET_ACE")
    if named:
        return Path(named) if Path(named).is_file() else None
    for root in (Path.cwd(), SOURCE_ROOT):
        local = root / ".ace" / "node_modules" / ".bin" / "ace-puppeteer"
        if local.is_file():
            return local
    found = shutil.which("ace-puppeteer")
    return Path(found) if found else None


def chromium() -> str | None:
    """The browser Ace runs in: `PUPPETEER_EXECUTABLE_PATH`, or Debian's chromium."""
    named = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium")


def run_epubcheck(path: Path, timeout: float = 300) -> Verdict:
    """EPUBCheck's fatal errors, errors and warnings for one file (its informational notes are not findings)."""
    jar = epubcheck_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        return Verdict(EPUBCHECK, missing=True)
    with tempfile.TemporaryDirectory(prefix="booklet-epubcheck-") as folder:
        report_path = Path(folder) / "report.json"
        done = subprocess.run(
            [java, *JAVA_OPTIONS, "-jar", str(jar), "--json", str(report_path), str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            lines = (done.stderr or done.stdout).strip().splitlines()
            return Verdict(EPUBCHECK, failure=lines[-1] if lines else "no report")
    version = str(report.get("checker", {}).get("checkerVersion", "")).removeprefix("v")
    findings = []
    for message in report.get("messages", []):
        severity = str(message.get("severity", "")).lower()
        if severity not in ("fatal", "error", "warning"):
            continue
        where = (message.get("locations") or [{}])[0]
        place = str(where.get("path", ""))
        if where.get("line", -1) not in (-1, None):
            place += f":{where['line']}:{where.get('column', 0)}"
        text = str(message.get("message", ""))
        findings.append(
            Finding(
                EPUBCHECK, str(message.get("ID", "")), "error" if severity == "fatal" else severity, f"{place} {text}"
            )
        )
    return Verdict(EPUBCHECK, version, findings)


def run_ace(path: Path, timeout: float = 600) -> Verdict:
    """DAISY Ace's violations for one file (each failed assertion, with its impact as the severity)."""
    command = ace_command()
    browser = chromium()
    if command is None or browser is None or shutil.which("node") is None:
        return Verdict(ACE, missing=True)
    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser}
    with tempfile.TemporaryDirectory(prefix="booklet-ace-") as folder:
        out = Path(folder) / "report"
        done = subprocess.run(
            [
                str(command),
                "--silent",
                "--force",
                "--outdir",
                str(out),
                "--tempdir",
                str(Path(folder) / "tmp"),
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=environment,
        )
        try:
            report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
            said = [line for line in lines if "error" in line.lower() and "--verbose" not in line]
            return Verdict(ACE, failure=(said or lines or ["no report"])[0])
    version = str(report.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision", ""))
    findings = []
    for document in report.get("assertions", []):
        where = str(document.get("earl:testSubject", {}).get("url", ""))
        for assertion in document.get("assertions", []):
            test = assertion.get("earl:test", {})
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            findings.append(
                Finding(
                    ACE,
                    str(test.get("dct:title", "")),
                    str(test.get("earl:impact", "")),
                    f"{where} {result.get('dct:description', '')}",
                )
            )
    return Verdict(ACE, version, findings)


def check_epub(path: Path) -> list[Verdict]:
    """Both checkers' verdicts on one EPUB."""
    return [run_epubcheck(path), run_ace(path)]


def run_epub_check(path: Path, print_line: Callable[[str], None] = print) -> int:
    """`booklet check --accessibility FILE.epub`: each checker's verdict, finding by finding.

    Exit 0 only when both checkers ran and found nothing; a missing checker is said
    plainly, with how to install it, and the file then counts as not checked (1).
    """
    from ..errors import Exit

    print_line(f"Accessibility of {path}:")
    failed, missing = print_verdicts(
        check_epub(path), print_line, lambda checker: INSTALL[checker], lambda verdict: CLEAN[verdict.checker]
    )
    if failed:
        print_line(f"{len(failed)} check(s) failed: {', '.join(failed)}.")
    elif missing:
        print_line(f"Not fully checked: {', '.join(missing)} not installed.")
    else:
        print_line("All checks passed: EPUBCheck and DAISY Ace.")
    return int(Exit.CONTENT) if failed or missing else 0
