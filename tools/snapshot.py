"""Snapshot what every variant of a booklet project prints, to compare two versions of the tool.

Usage: python tools/snapshot.py PROJECT_DIR OUT.json [--brand BRAND.yaml]

Builds each variant with the installed `booklet` command into a copy of the project and records,
per output: page count and sizes, the text of every page, the outline, the sequence of structure
tags, form field names and the metadata that should not change. Creation dates and document ids
are left out. Two snapshots taken before and after a refactoring should be equal.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pypdf

VARIANTS: list[list[str]] = [
    ["--all"],
    ["--format", "a5"],
    ["--large-print"],
    ["--large-print", "--format", "a5"],
    ["--duplex"],
    ["--print-ready"],
    ["--print-ready", "--format", "a5"],
    ["--imposition", "saddle"],
    ["--pdf-standard", "a-3a"],
    ["--html-edition"],
    ["--language", "cy"],
    ["--bilingual"],
    ["--bilingual", "--format", "a5"],
]


def structure_tags(pdf: pikepdf.Pdf) -> list[str]:
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return []
    tags: list[str] = []
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            if "/S" in node:
                tags.append(str(node.S) + (f"[{node.Lang}]" if "/Lang" in node else ""))
            if "/K" in node:
                stack.append(node.K)
    return tags


def describe(path: Path) -> dict:
    if path.suffix == ".html":
        return {"html": path.read_text(encoding="utf-8").split('<meta name="generator"')[0][-2000:]}
    reader = pypdf.PdfReader(path)

    def outline(items, depth=0):
        out = []
        for item in items:
            if isinstance(item, list):
                out += outline(item, depth + 1)
            else:
                out.append([depth, item.title, reader.get_destination_page_number(item)])
        return out

    with pikepdf.open(path) as pdf:
        info = {k: str(v) for k, v in pdf.docinfo.items() if k not in ("/CreationDate", "/ModDate", "/Producer")}
        fields = sorted((reader.get_fields() or {}).keys())
        return {
            "pages": len(pdf.pages),
            "sizes": sorted({tuple(round(float(x), 1) for x in p.mediabox) for p in pdf.pages}),
            "text": [page.extract_text() for page in reader.pages],
            "outline": outline(reader.outline),
            "tags": structure_tags(pdf),
            "fields": fields,
            "info": info,
            "lang": str(pdf.Root.get("/Lang", "")),
        }


def main(project: Path, out: Path, extra: list[str]) -> None:
    booklet = shutil.which("booklet") or str(Path(sys.executable).parent / "booklet")
    snapshot: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "project"
        shutil.copytree(project / "content", work / "content")
        if (project / "styles").is_dir():
            shutil.copytree(project / "styles", work / "styles", ignore=shutil.ignore_patterns("__init__.py"))
        for variant in VARIANTS:
            subprocess.run([booklet, "build", "-q", "--force", *variant, *extra], cwd=work, check=True)
        for path in sorted((work / "output").iterdir()):
            if path.suffix in (".pdf", ".html"):
                snapshot[path.name] = describe(path)
    out.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False))
    print(f"{len(snapshot)} outputs → {out}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]), Path(args[1]), args[2:])
