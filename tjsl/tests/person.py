"""What a person meets on a page, checked the same way on every page a browser journey visits.

Journeys act only through what a person sees (Playwright's actionability checks stay on, they
type with the keyboard and click by visible label or role). After each step they call
`Screen.check(name)`, which looks at the page at 1366x768 and at 360x740 and asserts:

- every form control and button that is displayed has a box of its own inside the page width,
  and is not clipped away by a container no wider than nothing (scrolling containers count as
  reachable only when they have room to show something);
- no sideways scrolling of the page at 360 px, and no amount broken over two lines;
- no Python leftovers such as ``('field', [...])``, ``None``, ``[]`` or ``{}`` in the text, and
  no line in the other language (an English msgid on an Indonesian page, its Indonesian
  translation on an English one);
- no console error, no uncaught exception, no failed script, style, image or htmx request, and
  no server error.

Screenshots go to var/screenshots/<test>/ (git-ignored), so a developer can look at them.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = ((1366, 768), (360, 740))
LEFTOVERS = re.compile(r"\('\w+', \[|\bNone\b|\[\]|\{\}|\[&#x27;|\bNaN\b|\bundefined\b")

# Reads the layout only; it changes nothing on the page.
UNREACHABLE_CONTROLS = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const controls = document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, a.btn");
  for (const el of controls) {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    if (el.closest(".visually-hidden, .visually-hidden-focusable")) continue;
    const box = el.getBoundingClientRect();
    const name = (el.getAttribute("name") || el.id || el.textContent || el.tagName).trim().slice(0, 40);
    if (box.width < 1 || box.height < 1) { found.push(name + ": no box"); continue; }
    if (box.left < -1 || box.right > width + 1) {
      let scrolled = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (/(auto|scroll)/.test(style.overflowX) && p.clientWidth > 40) { scrolled = true; break; }
      }
      if (!scrolled) { found.push(name + ": outside the page width"); continue; }
    }
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      const outer = p.getBoundingClientRect();
      if (outer.width < 1 || outer.height < 1 || p.clientWidth < 1) {
        found.push(name + ": inside a container with no room (" + p.className + ")");
        break;
      }
    }
  }
  return found;
}"""

PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

# Amounts (Rp318.000.000) that the browser broke over two lines.
BROKEN_AMOUNTS = """() => [...document.querySelectorAll(".amount")]
  .filter(el => el.checkVisibility() && new Set([...el.getClientRects()].map(r => Math.round(r.top))).size > 1)
  .map(el => el.textContent)"""


@cache
def other_language_lines(language: str) -> frozenset[str]:
    """Sentences of two words or more that belong to the other language: on an Indonesian page
    the English msgids the catalogue translates, on an English page their Indonesian msgstrs."""
    po = polib.pofile(str(ROOT / "locale/id/LC_MESSAGES/django.po"))
    pairs = [
        (entry.msgid, entry.msgstr)
        for entry in po.translated_entries()
        if " " in entry.msgid and entry.msgstr != entry.msgid and "%" not in entry.msgid and "{" not in entry.msgid
    ]
    return frozenset(english if language == "id" else indonesian for english, indonesian in pairs)


@dataclass
class Screen:
    page: object
    folder: Path
    language: str = "id"
    errors: list[str] = field(default_factory=list)
    shots: int = 0

    def __post_init__(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed load is judged by its response below: a form that comes back with 400 is
        # the page explaining what to correct, not an error.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response) -> None:
        failed = response.status >= 500 or (response.status >= 400 and response.request.resource_type != "document")
        if failed:
            self.errors.append(f"{response.status} {response.request.resource_type} {response.url}")

    def check(self, name: str) -> None:
        """Look at the current page at both widths, then return to the first width."""
        self.page.wait_for_load_state("networkidle")
        for width, height in (*WIDTHS[1:], WIDTHS[0]):
            self.page.set_viewport_size({"width": width, "height": height})
            self.shots += 1
            self.page.screenshot(path=str(self.folder / f"{self.shots:02d}-{name}-{width}.png"), full_page=True)
            where = f"{name} at {width} px"
            unreachable = self.page.evaluate(UNREACHABLE_CONTROLS)
            assert unreachable == [], f"{where}: {unreachable}"
            broken = self.page.evaluate(BROKEN_AMOUNTS)
            assert broken == [], f"{where}: amounts broken over two lines {broken}"
            scroll_width, client_width = self.page.evaluate(PAGE_WIDTH)
            assert scroll_width <= client_width, f"{where}: the page scrolls sideways ({scroll_width} px)"
            text = self.page.locator("body").inner_text()
            assert not LEFTOVERS.search(text), f"{where}: {LEFTOVERS.search(text).group(0)!r} in the text"
            foreign = [
                line.strip() for line in text.splitlines() if line.strip() in other_language_lines(self.language)
            ]
            assert foreign == [], f"{where}: lines in the other language {foreign}"
        assert self.errors == [], f"{name}: console errors {self.errors}"


def screen_for(page, request, *, language: str = "id") -> Screen:
    folder = ROOT / "var" / "screenshots" / re.sub(r"[^\w.-]+", "_", request.node.name)
    return Screen(page, folder, language=language)
