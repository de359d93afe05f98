"""A generated project with many organisations, for layout tests and the benchmark.

The default content has six organisations; real booklets have dozens. This makes a
copy of the default project with `count` generated organisation files whose names are
long, Welsh or full of ampersands, whose summaries run from one to three sentences and
whose addresses are long, plus routes with two to eight steps (a two-step route is real
content) and audiences: a careers-fair handout and one that lists routes and
organisations in an order of its own. Everything is deterministic: the same `count`
gives the same files.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

FILL_EDITIONS = {
    "a4": {},
    "a5": {"page_size": "A5"},
    "large-print": {"large_print": True},
    "large-print-a5": {"large_print": True, "page_size": "A5"},
    "welsh": {"language": "cy"},
    "bilingual": {"language": "bilingual"},
    "bilingual-a5": {"language": "bilingual", "page_size": "A5"},
    "duplex": {"duplex": True},
}
"""The editions whose page fill is a target (Settings fields), for tests/pdf/test_fill.py and bench/fill.py."""

_NAMES = [
    "Llywodraeth Cymru Digital and Data Directorate",
    "Department for Environment, Food & Rural Affairs Data Science Hub",
    "Canolfan Ddata Iechyd Cymru",
    "Office for Standards in Education, Children's Services & Skills",
    "Greater Manchester Combined Authority Research & Intelligence",
    "Ysgol Feddygaeth Prifysgol Abertawe",
    "Driver & Vehicle Licensing Agency",
    "Maritime & Coastguard Agency",
    "Cyngor Sir Ynys Môn",
    "His Majesty's Revenue & Customs Data Analytics Directorate",
    "Cyfoeth Naturiol Cymru / Natural Resources Wales",
    "Met Office Informatics Lab",
    "Ordnance Survey",
    "Comisiynydd y Gymraeg",
    "Department for Work & Pensions Digital",
    "National Physical Laboratory Data Science",
    "Trafnidiaeth Cymru",
    "Office for National Statistics Data Science Campus",
]
_SENTENCES = [
    "{Area} teams use machine learning to plan and deliver public services.",
    "{Area} analysts across government rely on its data platforms every day.",
    "{Area} work with universities & local partners on responsible uses of AI.",
    "{Area} data is open, with the methods behind it, so others can check results.",
    "{Area} placements in analysis, engineering and policy make up its graduate scheme.",
    "Mae'n gweithio'n ddwyieithog ac yn croesawu siaradwyr Cymraeg.",
]
_AREAS = ["Health", "Transport", "Tax", "Weather", "Mapping", "Education", "Welfare", "Farming", "Energy", "Housing"]
"""Fields the sentences name, so no two summaries read word for word alike at the top of a page (a checker
takes a line repeated there on three pages for a running header)."""
_REGIONS = ["north", "south", "east", "west", "central", "coast", "valleys", "borders"]
"""Ends of the long addresses: a checker counts lines alike but for their digits as one running footer."""
_ROLES = [
    "Data Scientists",
    "Machine Learning Engineers",
    "Policy Advisors",
    "Statisticians",
    "User Researchers",
    "Data Engineers",
    "Ethics & Governance Leads",
    "Gwyddonwyr Data",
]
_STEPS = [
    "Read the organisation's careers pages and note the roles that suit you",
    "Set up a job alert for data and AI roles",
    "Ask a careers adviser to read your application before you send it",
    "Prepare two examples of your work to talk about at interview",
    "Check the nationality and security clearance rules",
    "Find someone in the role on a professional network and ask what it is like",
    "Look at https://www.gov.uk/government/organisations for other employers",
    "Note the closing date in your calendar",
]


def organisation(index: int) -> dict[str, object]:
    """The content of generated organisation number `index` (deterministic)."""
    rng = random.Random(index)
    base = _NAMES[index % len(_NAMES)]
    name = base if index < len(_NAMES) else f"{base} ({index // len(_NAMES) + 1})"
    summary = " ".join(s.format(Area=rng.choice(_AREAS)) for s in rng.sample(_SENTENCES, rng.randint(1, 3)))
    # Most addresses are of a usual length; every fifth is very long, to test where addresses break.
    region = _REGIONS[index // 5 % len(_REGIONS)]
    slug = f"careers/data-and-artificial-intelligence/graduate-roles-{region}" if index % 5 == 4 else "careers"
    return {
        "name": name,
        "summary": summary,
        "roles": rng.sample(_ROLES, rng.randint(2, 5)),
        "website": f"https://www.example-organisation-{index:03d}.gov.uk/{slug}",
        "tags": ["handout"] if index % 3 == 0 else [],
        "source": f"https://www.example-organisation-{index:03d}.gov.uk",
        "reviewed": "2026-11-28",
    }


def routes() -> list[dict[str, object]]:
    """Five routes with two to eight steps; the last is Welsh work, listed first by one audience."""
    counts = {"graduate-scheme": 2, "apprenticeship": 3, "internship": 5, "fellowship": 8, "welsh-public-sector": 4}
    made = []
    for index, (route_id, steps) in enumerate(counts.items()):
        made.append(
            {
                "id": route_id,
                "title": route_id.replace("-", " ").capitalize(),
                "summary": "A way into public sector data and AI work.",
                "url": f"https://www.example-route-{index}.gov.uk/apply/data-and-artificial-intelligence",
                "steps": _STEPS[:steps],
                "source": f"https://www.example-route-{index}.gov.uk",
                "reviewed": "2026-11-28",
            }
        )
    return made


def many_project(where: Path, count: int, *, handout: bool = True) -> Path:
    """A copy of the default project in `where` with `count` generated organisations; returns the project folder."""
    project = where
    shutil.copytree(ROOT / "content", project / "content")
    folder = project / "content" / "organisations"
    for path in folder.glob("*.yaml"):
        path.unlink()
    for index in range(count):
        data = organisation(index)
        (folder / f"org-{index:03d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    (project / "content" / "routes.yaml").write_text(
        yaml.safe_dump({"routes": routes()}, allow_unicode=True, sort_keys=False)
    )
    audiences = [
        {
            "id": "welsh-first",
            "name": "Work in Wales",
            "output": "welsh-first.pdf",
            "routes": {"include": ["welsh-public-sector", "graduate-scheme"]},
            "organisations": {"include": ["org-005", "org-002", "tag:handout"]},
        }
    ]
    if handout:
        audiences.append(
            {
                "id": "fair",
                "name": "Careers fair handout",
                "output": "fair.pdf",
                "layout": "handout",
                "organisations": {"include": ["tag:handout"]},
            }
        )
    (project / "content" / "audiences.yaml").write_text(
        yaml.safe_dump({"audiences": audiences}, allow_unicode=True, sort_keys=False)
    )
    (project / "output").mkdir(exist_ok=True)
    return project
