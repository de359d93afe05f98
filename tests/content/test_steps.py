"""Routes take 1 to 8 steps; fewer than 3 is a warning, and the route is still built."""

from __future__ import annotations

from booklet.content.load import load_project_content


def test_two_step_routes_are_built_with_a_warning(many26):
    loaded = load_project_content(many26.root / "content", many26.root)
    assert loaded.errors == []
    assert [p.line() for p in loaded.warnings if "first step" in p.what] == [
        "content/routes.yaml:6:3  routes.0.steps  warning: route 'graduate-scheme' has 2 first steps; a checklist "
        "is more useful with 3 to 8 (add a concrete next step if there is one, or keep it as it is)"
    ]
    fellowship = many26.default.text
    assert "Note the closing date in your calendar" in fellowship  # the eighth step of an eight-step route
    assert "Set up a job alert for data and AI roles" in fellowship
