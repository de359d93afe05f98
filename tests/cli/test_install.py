"""End to end: a real `pip install` of this repository into a new venv, far from it.

`booklet init x`, `booklet build` in x and `booklet preview` must work with only
what the package ships. The one slow test (a minute or two, mostly pip): skip it
with `pytest -m "not slow"`. pip's own cache is reused between runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import STARTER_PLACEHOLDERS

ROOT = Path(__file__).resolve().parents[2]
_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "output",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".booklet-cache*",
)


def IGNORE(folder: str, names: list[str]) -> set[str]:
    """What not to copy: caches and built files, and setuptools' top-level build/ (not booklet/jobs/)."""
    ignored = set(_IGNORE(folder, names))
    if Path(folder) == ROOT and "build" in names:
        ignored.add("build")
    return ignored


pytestmark = pytest.mark.slow


def run(
    args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done


def test_pip_install_init_build_preview(tmp_path):
    # A copy of the working tree, so pip builds in a folder of its own (an in-tree build
    # would write build/ into the repository) and nothing left in the tree can leak in.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=IGNORE)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv), PYTHONDONTWRITEBYTECODE="1")
    work = tmp_path / "elsewhere"
    work.mkdir()

    start = time.perf_counter()
    installed = run(
        [bin_dir / "python", "-m", "pip", "install", "--disable-pip-version-check", source],
        cwd=work,
        env=env,
        timeout=900,
    )
    # Every package and data folder is declared: setuptools has nothing to warn a newcomer about.
    said = installed.stdout + installed.stderr
    assert "absent from the `packages` configuration" not in said and "BuildBackendWarning" not in said, said
    print(f"pip install: {time.perf_counter() - start:.0f} s")
    shutil.rmtree(source)  # nothing may come from the source tree from here on

    where = run([bin_dir / "python", "-c", "import booklet; print(booklet.__file__)"], cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv)

    run([bin_dir / "booklet", "init", "x"], cwd=work, env=env)
    project = work / "x"
    built = run([bin_dir / "booklet", "build"], cwd=project, env=env)
    pdf = project / "output" / "careers-in-your-sector.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-")
    # A fresh starter builds at once; its only warnings list the placeholder texts left to replace.
    warned = [line for line in (built.stdout + built.stderr).splitlines() if "warning" in line.lower()]
    assert [line.split("  warning: is the starter's placeholder ")[0] for line in warned] == STARTER_PLACEHOLDERS, (
        warned
    )

    # The print shop's PDF/X-4 file needs the CMYK output profile shipped as package data.
    run([bin_dir / "booklet", "build", "--print-ready", "-q"], cwd=project, env=env)
    press = project / "output" / "careers-in-your-sector-print-ready.pdf"
    with pikepdf.open(press) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.DestOutputProfile.read_bytes()[12:20] == b"prtrCMYK"

    preview = run([bin_dir / "booklet", "preview"], cwd=project, env=env)
    pngs = sorted((project / "output" / "preview").glob("*.png"))
    with pikepdf.open(pdf_path := project / "output" / "careers-in-your-sector.pdf") as built_pdf:
        pages = len(built_pdf.pages)
    assert pages >= 6, pdf_path
    assert [p.name for p in pngs] == sorted(
        [f"careers-in-your-sector-page-{n:02d}.png" for n in range(1, pages + 1)]
        + ["careers-in-your-sector-contact-sheet.png"]
    )
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    assert "output/preview/careers-in-your-sector-contact-sheet.png" in preview.stdout

    version = run([bin_dir / "python", "-m", "booklet", "--version"], cwd=work, env=env)
    assert version.stdout.startswith("booklet 0.")
    print(f"install test: {time.perf_counter() - start:.0f} s in all")
