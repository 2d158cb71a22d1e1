"""A real Chromium lays the reports out at 390 px (phone) and 1280 px (desktop) and is questioned.

Chromium runs headless with a fresh profile and a DevTools port; a small
client over ``websockets`` drives one tab through the DevTools protocol. For
each report and width the tab records every console message, uncaught
exception and request, then the page is asked (``Runtime.evaluate``) for its
widths and the box of every chart. A full-page screenshot of each is written
to ``outputs/screenshots/`` for people to look at.

Checks: no console error, no request but the report file itself (the HTML is
self-contained), no horizontal overflow of the page (wide tables scroll
inside their own wrapper), every chart visible with a non-zero size.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from partner_review.catalog import build_catalog
from partner_review.ingest import load_sources
from partner_review.paths import PROJECT_ROOT
from partner_review.rendering import render_partner_html, render_portfolio_html
from partner_review.settings import Settings, load_settings
from transforms.model import ReviewModel
from transforms.periods import parse_quarter, quarterly_run
from transforms.review import build_review
from transforms.slicing import model_for_partner

from .conftest import OUTOKIA
from .test_edge_reports import write_inputs

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--remote-debugging-port=0", "--hide-scrollbars",
]  # fmt: skip
SCREENSHOTS = PROJECT_ROOT / "outputs" / "screenshots"
DEMO = PROJECT_ROOT / "inputs"
WIDTHS = [390, 1280]
LISTENING = re.compile(r"DevTools listening on (ws://\S+)")

# What the page reports about itself once loaded.
MEASURE = """(() => {
  const charts = [...document.querySelectorAll("svg")].filter(s => !s.parentElement.closest("svg"));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    charts: charts.map(s => {
      const box = s.getBoundingClientRect(), style = getComputedStyle(s);
      return {width: box.width, height: box.height, left: box.left, right: box.right,
              visible: style.visibility === "visible" && style.display !== "none"
                       && Number(style.opacity) > 0 && s.checkVisibility()};
    }),
    h1: document.querySelector("h1") ? document.querySelector("h1").textContent : null,
  };
})()"""


@dataclass
class PageLog:
    """Everything one tab said while loading a report."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class DevTools:
    """One tab of a headless Chromium, driven over the DevTools protocol (flattened sessions)."""

    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        message: dict[str, Any] = {"id": next(self._ids), "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._socket.send(json.dumps(message))
        while True:
            reply = json.loads(self._socket.recv(timeout=60))
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self._events.append(reply)

    def open(self, url: str, width: int) -> PageLog:
        """Load ``url`` in a viewport ``width`` px wide; what was logged and requested meanwhile."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self._events.clear()
        self.call("Page.navigate", session=True, url=url)
        self._wait_for("Page.loadEventFired")
        time.sleep(0.3)  # late console messages and requests after load
        self.call("Runtime.evaluate", session=True, expression="1")  # drains queued events
        return _page_log(self._events, url)

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", session=True, expression=expression, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"]))
        return result["result"]["value"]

    def screenshot(self, target: Path) -> None:
        """A PNG of the whole page, as wide as the viewport."""
        metrics = self.call("Page.getLayoutMetrics", session=True)["cssContentSize"]
        width = self.evaluate("window.innerWidth")
        shot = self.call(
            "Page.captureScreenshot",
            session=True,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": metrics["height"], "scale": 1},
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(shot["data"]))

    def _wait_for(self, method: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(e.get("method") == method for e in self._events):
                return
            self._events.append(json.loads(self._socket.recv(timeout=60)))
        raise TimeoutError(method)


def _page_log(events: list[dict[str, Any]], url: str) -> PageLog:
    log = PageLog()
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            log.errors.append(" ".join(str(a.get("value", a)) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            log.errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            log.errors.append(params["entry"]["text"])
        elif method == "Network.requestWillBeSent" and params["request"]["url"] != url:
            log.requests.append(params["request"]["url"])
    return log


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    folder = tmp_path_factory.mktemp("chromium")
    stderr = folder / "stderr.txt"
    with stderr.open("wb") as sink:
        process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={folder / 'profile'}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        with connect(_devtools_url(stderr, process), max_size=None, open_timeout=30) as socket:
            yield DevTools(socket)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _devtools_url(stderr: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = LISTENING.search(stderr.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"chromium gave no DevTools address: {stderr.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def reports(
    tmp_path_factory: pytest.TempPathFactory,
    quarterly_model: ReviewModel,
    nightly_model: ReviewModel,
    settings: Settings,
) -> dict[str, Path]:
    """Hand-built models (conftest), the demo through the real engine, and 40 KPIs."""
    folder = tmp_path_factory.mktemp("reports")
    demo = load_settings(DEMO)
    demo_model = _quarter(demo)
    edge = load_settings(write_inputs(folder / "edge-inputs"))
    edge_model = _quarter(edge)
    pages = {
        "partner-quarterly-fr": render_partner_html(quarterly_model, settings, OUTOKIA, "fr"),
        "partner-nightly-en": render_partner_html(nightly_model, settings, OUTOKIA, "en"),
        "portfolio-quarterly-en": render_portfolio_html(quarterly_model, settings, "en"),
        "demo-outokia-en": render_partner_html(
            model_for_partner(demo_model, OUTOKIA), demo, OUTOKIA, "en"
        ),
        "demo-portfolio-fr": render_portfolio_html(demo_model, demo, "fr"),
        "forty-kpis-en": render_partner_html(
            model_for_partner(edge_model, "WIDE-CO"), edge, "WIDE-CO", "en"
        ),
        "forty-kpis-portfolio-en": render_portfolio_html(edge_model, edge, "en"),
    }
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    return {name: folder / f"{name}.html" for name in pages}


def _quarter(settings: Settings) -> ReviewModel:
    run = quarterly_run(parse_quarter("2026-Q3", 1))
    return build_review(build_catalog(settings), load_sources(settings), run)


TITLES = {
    "partner-quarterly-fr": "Outokia Customer Care",
    "partner-nightly-en": "Outokia Customer Care",
    "portfolio-quarterly-en": "Partner portfolio",
    "demo-outokia-en": "Outokia Customer Care",
    "demo-portfolio-fr": "Portefeuille de partenaires",
    "forty-kpis-en": "Wide Partner Ltd",
    "forty-kpis-portfolio-en": "Partner portfolio",
}
CASES = [(report, width) for report in TITLES for width in WIDTHS]


@pytest.mark.parametrize(("report", "width"), CASES)
def test_report_loads_without_console_error_or_request_and_fits_the_width(
    browser: DevTools, reports: dict[str, Path], report: str, width: int
) -> None:
    url = reports[report].as_uri()
    log = browser.open(url, width)
    page = browser.evaluate(MEASURE)
    browser.screenshot(SCREENSHOTS / f"{report}-{width}.png")
    assert log.errors == []
    assert log.requests == []
    assert page["innerWidth"] == width
    assert page["scrollWidth"] <= width  # no horizontal scrolling of the page itself
    assert page["h1"] == TITLES[report]


# one trend per KPI (4) and one glide path per objective (2) in conftest; 40 trends for 40 KPIs;
# the nightly digest draws no chart
CHART_COUNTS = {"partner-quarterly-fr": 6, "forty-kpis-en": 40}


@pytest.mark.parametrize(
    ("report", "width"),
    [c for c in CASES if c[0] in ("partner-quarterly-fr", "demo-outokia-en", "forty-kpis-en")],
)
def test_every_chart_is_visible_with_a_size_inside_the_page(
    browser: DevTools, reports: dict[str, Path], report: str, width: int
) -> None:
    browser.open(reports[report].as_uri(), width)
    charts = browser.evaluate(MEASURE)["charts"]
    in_html = reports[report].read_text(encoding="utf-8").count("<svg")
    assert len(charts) == CHART_COUNTS.get(report, in_html) == in_html
    assert len(charts) >= 1
    for chart in charts:
        assert chart["visible"]
        assert chart["width"] > 150 and chart["height"] > 60
        assert chart["left"] >= 0 and chart["right"] <= width


def test_screenshots_are_written_as_png_of_the_viewport_width(
    browser: DevTools, reports: dict[str, Path]
) -> None:
    browser.open(reports["portfolio-quarterly-en"].as_uri(), 390)
    target = SCREENSHOTS / "portfolio-quarterly-en-390.png"
    browser.screenshot(target)
    header = target.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == 390
    assert int.from_bytes(header[20:24], "big") > 900  # the whole page, not only the viewport


def test_the_checks_catch_a_page_with_a_console_error_a_request_and_an_overflow(
    browser: DevTools, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><meta name="viewport" content="width=device-width">'
        '<script>console.error("boom")</script>'
        '<img src="http://127.0.0.1:9/pixel.png"><div style="width:2000px">wide</div>',
        encoding="utf-8",
    )
    log = browser.open(bad.as_uri(), 390)
    page = browser.evaluate(MEASURE)
    assert "boom" in log.errors
    assert log.requests == ["http://127.0.0.1:9/pixel.png"]
    assert page["scrollWidth"] > 390
