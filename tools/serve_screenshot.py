"""Take docs/serve.png (booklet serve on a copy of the default content, with one problem showing) and
docs/serve-plan.png (its New action plan form in its error state)."""
import re, shutil, subprocess, tempfile
from pathlib import Path
from playwright.sync_api import sync_playwright
root = Path(__file__).resolve().parent.parent
work = Path(tempfile.mkdtemp()) / "my-booklet"; shutil.rmtree(work, ignore_errors=True); work.mkdir(parents=True)
shutil.copytree(root / "content", work / "content")
p = subprocess.Popen([str(root / ".venv/bin/booklet"), "serve", "--port", "0"], cwd=work, stdout=subprocess.PIPE, text=True)
url = re.search(r"(http://\S+/\?token=\S+)", p.stdout.readline()).group(1)  # the address holds the secret
try:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = b.new_page(viewport={"width": 1280, "height": 760})
        page.goto(url)
        page.wait_for_function("() => document.querySelectorAll('#pages img').length >= 4 && document.getElementById('status').dataset.building === 'false'", timeout=120000)
        f = work / "content" / "organisations" / "gds.yaml"
        good = f.read_text()
        f.write_text(good.replace("website: https://", "website: http://"))
        page.locator("#problems li").first.wait_for(timeout=60000)
        page.wait_for_function("() => document.getElementById('status').dataset.building === 'false'", timeout=60000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(root / "docs" / "serve.png"))
        # docs/serve-plan.png: the New action plan form sent with two mistakes (its error state).
        f.write_text(good)  # a form needs content without errors
        page.set_viewport_size({"width": 900, "height": 900})
        page.goto(url.split("?")[0] + "plan")
        page.fill("#student-id", "S1042")
        page.fill("#follow-up-day", "1"); page.fill("#follow-up-month", "1"); page.fill("#follow-up-year", "2020")
        page.click("#make-plan")
        page.wait_for_function("() => document.activeElement.id === 'error-summary'")
        page.screenshot(path=str(root / "docs" / "serve-plan.png"))
        b.close()
finally:
    p.terminate(); p.wait()

from PIL import Image  # noqa: E402  (a palette PNG is a third of the size)

for shot in (root / "docs" / "serve.png", root / "docs" / "serve-plan.png"):
    Image.open(shot).convert("RGB").quantize(256).save(shot, optimize=True)
