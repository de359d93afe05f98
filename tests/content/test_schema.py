"""JSON Schema for editors: committed copies in sync with the models, and every content file pointing at its own."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from booklet.cli import app
from booklet.content.schema import FILE_KINDS, SCHEMAS, render

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
HEADER = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def content_files() -> list[tuple[Path, str]]:
    """(file, schema name) for every content file of the default project."""
    found = []
    for pattern, schema in FILE_KINDS.items():
        found += [(path, schema) for path in sorted(CONTENT.glob(pattern))]
    return found


@pytest.mark.parametrize("name", SCHEMAS)
def test_committed_schema_matches_the_models(name):
    committed = (CONTENT / "schemas" / name).read_text(encoding="utf-8")
    assert committed == render(name), f"content/schemas/{name} is stale: run `booklet schema --output content/schemas`"


def test_schema_command_writes_every_schema(tmp_path):
    result = CliRunner().invoke(app, ["schema", "--output", str(tmp_path / "schemas")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(SCHEMAS)
    assert len(result.stdout.splitlines()) == len(SCHEMAS)
    for name in SCHEMAS:
        assert (tmp_path / "schemas" / name).read_text(encoding="utf-8") == render(name)


@pytest.mark.parametrize(("path", "schema"), content_files(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_content_file_starts_with_its_schema_line(path, schema):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = HEADER.match(first)
    assert match, f"{path.name} must start with '# yaml-language-server: $schema=…'"
    target = (path.parent / match.group(1)).resolve()
    assert target == (CONTENT / "schemas" / schema).resolve()
    assert target.is_file()


# A small JSON Schema checker: enough of the 2020-12 vocabulary the generated schemas use,
# so the test needs no extra dependency. YAML 1.2 (what editors use) reads dates as text.


def conforms(value, schema, root) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return conforms(value, root["$defs"][name], root)
    if "anyOf" in schema:
        options = [conforms(value, option, root) for option in schema["anyOf"]]
        return [] if any(not o for o in options) else min(options, key=len)
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool, "null": type(None)}
    if kind and not isinstance(value, types[kind]):
        return [f"{value!r} is not {kind}"]
    problems = []
    if kind == "object":
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"missing {key}")
        for key, item in value.items():
            if key in schema.get("properties", {}):
                problems += conforms(item, schema["properties"][key], root)
            elif schema.get("additionalProperties") is False:
                problems.append(f"unknown key {key}")
    if kind == "array":
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", 10**9):
            problems.append("wrong number of items")
        for item in value:
            problems += conforms(item, schema.get("items", {}), root)
    if kind == "string":
        if len(value) < schema.get("minLength", 0):
            problems.append("too short")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{value!r} does not match {schema['pattern']}")
    return problems


def as_json(value):
    """Data as an editor's YAML 1.2 reader sees it: dates are text."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


@pytest.mark.parametrize(("path", "schema"), content_files(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_the_schema_accepts_the_default_content(path, schema):
    root = json.loads((CONTENT / "schemas" / schema).read_text(encoding="utf-8"))
    data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert conforms(data, root, root) == []


def test_the_schema_catches_what_the_checker_catches():
    root = json.loads(render("organisation.schema.json"))
    good = as_json(yaml.safe_load((CONTENT / "organisations" / "gds.yaml").read_text(encoding="utf-8")))
    assert "id" not in root["required"], "the id comes from the file name"
    assert conforms({k: v for k, v in good.items() if k != "id"}, root, root) == []
    assert conforms({**good, "websit": "x"}, root, root) == ["unknown key websit"]
    assert conforms({**good, "website": "http://www.gov.uk"}, root, root)
    assert conforms({**good, "website": "https://user:pw@www.gov.uk"}, root, root)
    assert conforms({**good, "roles": []}, root, root) == ["wrong number of items"]
    described = [p for p in root["properties"].values() if p.get("description")]
    assert len(described) == len(root["properties"]), "every key has a description for editor tooltips"
