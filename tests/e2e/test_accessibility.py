"""axe-core on every page type and state, in German and in English (issue 6.19).

Public bodies in Germany must meet BITV 2.0 (WCAG 2.1 AA). Every entry of `PAGES`
(tests/e2e/pages.py) is built the way people get there and checked with axe-core's
default rules; a violation of impact serious or critical fails the test, with its rule,
its nodes and what to fix. Moderate and minor findings are printed, not failed.

axe-core comes from the npm registry, pinned in tests/e2e/package-lock.json and installed
by `make test` (`npm ci --prefix tests/e2e`). It is used by the tests only and never
served by the app. Injecting it is blocked by the app's CSP, so these browser contexts
bypass the CSP (`bypass_csp=True`); test_csp.py opens the same pages under the real CSP.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import E2E_DIR
from tests.e2e.pages import LOCALES, PAGES, Scene

pytestmark = pytest.mark.e2e

AXE = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")

RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      impact: n.impact,
      summary: n.failureSummary,
    })),
  }));
}"""


@pytest.fixture(scope="session")
def axe_script() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing: run `make test` or `npm ci --prefix {E2E_DIR}`")
    return str(AXE)


# Contrast is measured on what stays on the screen, not halfway through a fade-in (the
# spotlight's box fades in over 0.35 s; axe read its dots at 3.9:1 instead of 6.5:1).
# Endless ones (a pulsing "waiting" dot) never settle and are left to run.
SETTLED = """document.getAnimations().every((a) => a.playState !== "running"
  || (a.effect && a.effect.getComputedTiming().iterations === Infinity))"""


# The page's width beyond the screen, and the widest elements that make it so.
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => getComputedStyle(el).position !== "fixed")
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "")
      + " (" + Math.round(el.getBoundingClientRect().right) + " px)");
  return { scrollWidth: document.documentElement.scrollWidth, elements: wide };
}"""


def axe_violations(page: Page, script: str) -> list[dict]:
    page.wait_for_function(SETTLED, timeout=10_000)
    page.add_script_tag(path=script)
    return page.evaluate(RUN_AXE)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']} ({v['help']})")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(
    screens, facilitator, axe_script: str, name: str, language: str
) -> None:
    scene = Scene(screens, facilitator, language, {"bypass_csp": True})
    page = PAGES[name](scene)
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = axe_violations(page, axe_script)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if others:
        print(f"{name} ({language}), not blocking:\n{describe(others)}")
    assert not blocking, f"axe-core on {name} ({language}, {page.url}):\n{describe(blocking)}"
    # WCAG 1.4.10 (reflow): what a phone shows fits its width, nothing scrolls sideways.
    width = page.viewport_size["width"]
    if width < 500:
        wider = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert not wider, f"{name} ({language}) is wider than the phone's {width} px: {wider}"
