"""`booklet serve`'s "New action plan" page (booklet/cli/serve_plan.py) and the preview page's states.

A real server process, real Chromium driven with the keyboard only, axe-core on each state of
the form, plain HTTP requests for the refusals, and the downloaded PDF read back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.test_serve import BROWSER_TIMEOUT_MS, ROOT, Server, browser  # noqa: F401 (a fixture)
from tests.render.test_html_edition import axe_violations

NAME = "Siân O'Connor"
SOON = dt.date.today() + dt.timedelta(days=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve-plan")
    shutil.copytree(ROOT / "content", folder / "content")
    running = Server(folder)
    yield running
    err = running.stop()
    assert "Traceback" not in err


def active_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_to(page, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element has focus, as someone without a mouse does."""
    for _ in range(limit):
        if active_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def retype(page, element_id: str, text: str) -> None:
    tab_to(page, element_id)
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


def errors_beside_fields(page) -> dict[str, str]:
    return {
        e.get_attribute("id").removesuffix("-error"): e.inner_text().removeprefix("Error:").strip()
        for e in page.locator(".error-message").all()
    }


def test_a_plan_made_with_the_keyboard_only_errors_shown_and_fixed(server: Server, browser, tmp_path: Path) -> None:  # noqa: F811
    people = server.folder / "output" / "people"
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url)
        tab_to(page, "new-plan")
        page.keyboard.press("Enter")
        page.wait_for_url(f"http://127.0.0.1:{server.port}/plan")
        assert page.title() == "New action plan – Booklet preview"
        assert "Nothing about the student is kept except the PDF" in page.locator("#privacy").inner_text()
        assert axe_violations(page) == []

        # Sent empty: an error summary, focused, linking to each field; each error beside its field.
        tab_to(page, "make-plan")
        page.keyboard.press("Enter")
        page.locator("#error-summary").wait_for(timeout=BROWSER_TIMEOUT_MS)
        assert page.title().startswith("Error: New action plan")
        page.wait_for_function("() => document.activeElement.id === 'error-summary'")  # its script has run
        assert page.locator("#error-summary a").all_inner_texts() == [
            "Enter the student's reference, for example S1042",
            "Enter the student's name",
            "Select at least one route the student chose",
        ]
        assert errors_beside_fields(page) == {
            "id": "Enter the student's reference, for example S1042",
            "name": "Enter the student's name",
            "routes": "Select at least one route the student chose",
        }
        assert "id-error" in page.locator("#student-id").get_attribute("aria-describedby")
        assert axe_violations(page) == []
        page.keyboard.press("Tab")  # from the summary to its first link
        page.keyboard.press("Enter")
        assert active_id(page) == "student-id"

        # Bad values: each gets its message beside the field, the answers stay, nothing is written.
        page.keyboard.type("S 1042")
        retype(page, "name", "Siân\u202eO'Connor")
        route = page.locator("input[name=routes][value=fast-stream]").get_attribute("id")
        tab_to(page, route)
        page.keyboard.press("Space")
        retype(page, "follow-up-day", "1")
        retype(page, "follow-up-month", "1")
        retype(page, "follow-up-year", "2020")
        tab_to(page, "make-plan")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.id === 'error-summary'", timeout=BROWSER_TIMEOUT_MS)
        errors = errors_beside_fields(page)
        assert errors["id"].startswith("An id may hold only letters, digits, - and _")
        assert errors["name"] == "Holds an invisible or control character (U+202E) (type it again)"
        assert errors["follow_up"] == "Follow-up date must be today or in the future"
        assert set(errors) == {"id", "name", "follow_up"}
        assert page.locator(f"#{route}").is_checked()
        assert page.locator("#follow-up-year").input_value() == "2020"
        assert axe_violations(page) == []
        assert not people.exists() or not list(people.glob("*.pdf"))

        # Fixed, with the keyboard: the plan is made, shown and offered.
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the summary's first link: the reference
        assert active_id(page) == "student-id"
        page.keyboard.press("Control+A")
        page.keyboard.type("S1042")
        retype(page, "name", NAME)
        retype(page, "next-steps", "Book a mock interview")
        page.keyboard.press("Enter")
        page.keyboard.type("Ask about work experience")
        retype(page, "follow-up-day", str(SOON.day))
        retype(page, "follow-up-month", str(SOON.month))
        retype(page, "follow-up-year", str(SOON.year))
        retype(page, "adviser", "Amara Okafor")
        retype(page, "notes", "Interested in data roles")
        tab_to(page, "plan-only")
        page.keyboard.press("Space")
        tab_to(page, "make-plan")
        page.keyboard.press("Enter")
        page.locator("#made").wait_for(
            timeout=3 * BROWSER_TIMEOUT_MS
        )  # may wait for the first build (one render at a time)
        assert page.title() == "Action plan ready – Booklet preview"
        page.wait_for_function(
            "() => [...document.querySelectorAll('.plan-pages img')].every(i => i.complete && i.naturalWidth > 100)"
        )
        assert 2 <= page.locator(".plan-pages img").count() <= 3
        assert NAME not in page.content()  # the page names the student by reference only
        assert axe_violations(page) == []
        tab_to(page, "download-plan")
        with page.expect_download(timeout=BROWSER_TIMEOUT_MS) as download:
            page.keyboard.press("Enter")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == "S1042.pdf"
        reader = PdfReader(io.BytesIO(saved.read_bytes()))
        text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
        assert 2 <= len(reader.pages) <= 3
        for expected in (NAME, "Amara Okafor", "Fast Stream", "Book a mock interview", "Ask about work experience"):
            assert expected in text
        assert "Adviser's note: Interested in data roles" in text
        assert SOON.strftime("%-d %B %Y") in text
    finally:
        context.close()
    assert stat.S_IMODE((people / "S1042.pdf").stat().st_mode) == 0o600
    assert sorted(p.name for p in people.iterdir()) == [".cache.json", "S1042.pdf"]


def test_hidden_characters_in_any_free_text_field_are_named_beside_it(server: Server, browser) -> None:  # noqa: F811
    people = server.folder / "output" / "people"
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url)
        page.goto(f"http://127.0.0.1:{server.port}/plan")
        retype(page, "student-id", "S88")
        retype(page, "name", "Dewi Jones")
        route = page.locator("input[name=routes][value=fast-stream]").get_attribute("id")
        tab_to(page, route)
        page.keyboard.press("Space")
        retype(page, "next-steps", "Call\u202a the office")
        retype(page, "adviser", "Amara\u2066")
        retype(page, "notes", "Said\u061c yes")
        tab_to(page, "make-plan")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.id === 'error-summary'", timeout=BROWSER_TIMEOUT_MS)
        odd = "an invisible or control character"
        assert errors_beside_fields(page) == {
            "next_steps": f"A step holds {odd} (U+202A) (type it again)",
            "adviser": f"Holds {odd} (U+2066) (type it again)",
            "notes": f"Holds {odd} (U+061C) (type it again)",
        }
        assert page.locator("#error-summary a").count() == 3
        assert axe_violations(page) == []
        assert not (people / "S88.pdf").exists()
    finally:
        context.close()
    # A note over several lines (the textarea sends CR LF) and a name that needs a joiner are fine.
    fields = f"csrf={csrf_of(server)}&id=S89&name=Mehr%E2%80%8Cdad&routes=fast-stream&plan_only=yes"
    status, body = post_plan(server, fields + "&notes=Line+one%0D%0ALine+two")
    assert status == 200 and b"error-summary" not in body, body[:2000]
    assert (people / "S89.pdf").exists()


def csrf_of(server: Server, cookie: str | None = None) -> str:
    status, body = server.get("/plan", cookie=cookie)
    assert status == 200
    found = re.search(rb'name="csrf" value="([^"]+)"', body)
    assert found
    return found.group(1).decode()


def post_plan(server: Server, fields: str, cookie: str | None = None, origin: str | None = "own") -> tuple[int, bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin is not None:
        headers["Origin"] = server.origin if origin == "own" else origin
    status, body, _ = server.request("POST", "/plan", cookie=cookie, headers=headers, body=fields.encode())
    return status, body


def test_the_form_refuses_what_it_should(server: Server) -> None:
    csrf = csrf_of(server)
    good = f"csrf={csrf}&id=S77&name=Dewi+Jones&routes=fast-stream&plan_only=yes"
    assert server.get("/plan", cookie="")[0] == 403
    assert server.get("/plan", host="evil.example")[0] == 421
    assert post_plan(server, good.replace(f"csrf={csrf}&", ""))[0] == 403  # no CSRF token
    assert post_plan(server, good.replace(csrf, "forged"))[0] == 403
    assert post_plan(server, good, origin=None)[0] == 403
    assert post_plan(server, good, origin="http://evil.example")[0] == 403
    assert post_plan(server, good, cookie="")[0] == 403
    status, body = post_plan(server, good + "&notes=" + "a" * (64 * 1024))
    assert status == 413
    assert not (server.folder / "output" / "people" / "S77.pdf").exists()

    # A body streamed without a length is cut off at 64 kB too.
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.putrequest("POST", "/plan", skip_host=True)
        for name, value in (
            ("Host", f"127.0.0.1:{server.port}"),
            ("Cookie", server.cookie),
            ("Origin", server.origin),
            ("Transfer-Encoding", "chunked"),
        ):
            connection.putheader(name, value)
        connection.endheaders()
        chunk = b"a" * 32_768
        connection.send(b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n")
        assert connection.getresponse().status == 413
    finally:
        connection.close()

    # A good form: the plan is offered to this browser session only, by a random name.
    status, body = post_plan(server, good + "&language=cy&adviser=Amara+Okafor&remember_adviser=yes")
    assert status == 200, body[:2000]
    href = re.search(rb'href="(/plan/download/[^"]+)"', body)
    assert href and b"S77" not in href.group(1)
    assert server.get(href.group(1).decode())[0] == 200
    other = server.sign_in()
    assert server.get(href.group(1).decode(), cookie=other)[0] == 404
    assert server.get(href.group(1).decode(), cookie="")[0] == 403
    assert server.get("/output/people/S77.pdf")[0] == 404
    made = server.folder / "output" / "people" / "S77.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(made).pages)
    assert "Eich cynllun gweithredu" in text and "Dewi Jones" in text  # the Welsh copy
    # The adviser's name is remembered for the next form; the student's is not.
    local = (server.folder / ".booklet-local.yaml").read_text(encoding="utf-8")
    assert "Amara Okafor" in local and "Dewi" not in local and "S77" not in local
    status, body = server.get("/plan")
    assert b'value="Amara Okafor"' in body and b"Dewi" not in body


STATE_RECORDER = """
window.__states = [];
const record = () => {
  const s = document.getElementById('status');
  if (!s || !document.getElementById('no-edition')) return;
  const shown = (id) => { const e = document.getElementById(id); return !!e && !e.hidden; };
  window.__states.push({
    status: s.textContent, building: s.dataset.building, version: s.dataset.version,
    noProblems: shown('no-problems'), noEdition: shown('no-edition'), edition: shown('edition'),
    noEditionText: document.getElementById('no-edition').textContent,
    problems: document.querySelectorAll('#problems li').length,
  });
};
new MutationObserver(record).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""


def contradictions(states: list[dict]) -> list[dict]:
    """Every state the page showed that says two things at once."""
    bad = []
    for s in states:
        if s["version"] == "-1":
            continue  # the page as served, before its first answer
        if (
            (s["noProblems"] and s["problems"])
            or (s["noProblems"] and s["noEdition"])
            or (s["noEdition"] and s["edition"])
            or (s["building"] == "false" and s["status"].startswith("Building"))
            or (s["building"] == "true" and not s["status"].startswith("Building"))
            or (s["noEdition"] and "fix the problems" in s["noEditionText"] and not s["problems"])
        ):
            bad.append(s)
    return bad


def test_the_page_never_contradicts_itself_from_a_broken_start_to_the_fix_and_back(
    tmp_path: Path,
    browser,  # noqa: F811
) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    gds = tmp_path / "content" / "organisations" / "gds.yaml"
    original = gds.read_text(encoding="utf-8")
    gds.write_text(original.replace("name: Government Digital Service (GDS)", "name: [unclosed"))
    running = Server(tmp_path)
    context = browser.new_context()
    context.add_init_script(STATE_RECORDER)
    page = context.new_page()

    def settled() -> dict:
        page.wait_for_function(
            "() => document.getElementById('status').dataset.building === 'false'", timeout=BROWSER_TIMEOUT_MS
        )
        return page.evaluate("window.__states[window.__states.length - 1]")

    try:
        page.goto(running.url)
        # Broken from the start: no booklet yet, the problem listed, never "No problems".
        page.locator("#problems li").first.wait_for(timeout=BROWSER_TIMEOUT_MS)
        last = settled()
        assert last["noEdition"] and not last["noProblems"] and last["problems"] >= 1
        assert last["noEditionText"].startswith("The booklet has not been built yet: fix the problems")
        assert last["status"].endswith("no booklet until they are fixed")
        # Fixed: the booklet, "No problems", up to date.
        gds.write_text(original)
        page.locator("#no-problems").wait_for(state="visible", timeout=BROWSER_TIMEOUT_MS)
        page.frame_locator("#edition").get_by_text("Government Digital Service (GDS)").first.wait_for(
            timeout=BROWSER_TIMEOUT_MS
        )
        page.wait_for_function(
            "() => document.getElementById('status').textContent.startsWith('Up to date')", timeout=BROWSER_TIMEOUT_MS
        )
        # Broken again: the last good booklet stays beside the problem.
        gds.write_text(original.replace("name: Government Digital Service (GDS)", "name: [unclosed"))
        page.locator("#problems li").first.wait_for(timeout=BROWSER_TIMEOUT_MS)
        last = settled()
        assert last["edition"] and not last["noEdition"] and not last["noProblems"]
        # And fixed again.
        gds.write_text(original)
        page.locator("#no-problems").wait_for(state="visible", timeout=BROWSER_TIMEOUT_MS)
        page.wait_for_function(
            "() => document.getElementById('status').textContent.startsWith('Up to date')", timeout=BROWSER_TIMEOUT_MS
        )
        states = page.evaluate("window.__states")
    finally:
        context.close()
        err = running.stop()
    assert "Traceback" not in err
    assert any(s["status"].startswith("Building") for s in states)  # the recorder saw the builds
    assert contradictions(states) == []
