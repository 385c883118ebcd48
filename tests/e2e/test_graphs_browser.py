"""The real app in headless chromium: a click on a box of a context infographic lists its excerpts."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# the on-screen position of the first mechanism's hover marker, from plotly's own axes
MARKER = """() => {
  const plot = document.querySelector('.js-plotly-plot');
  const layout = plot._fullLayout;
  const frame = plot.querySelector('.main-svg').getBoundingClientRect();
  const boxes = plot.data[0];
  const i = boxes.customdata.findIndex((key) => key.startsWith('m'));
  return {x: frame.left + layout._size.l + layout.xaxis.l2p(boxes.x[i]),
          y: frame.top + layout._size.t + layout.yaxis.l2p(boxes.y[i])};
}"""


def test_clicking_a_mechanism_box_lists_its_excerpts(app_url, browser, artifacts):
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.goto(f"{app_url}/graphs")
    expect(page.get_by_role("heading", name="Graphs")).to_be_visible(timeout=60_000)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')?._fullLayout?.xaxis")
    point = page.evaluate(MARKER)
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    expect(page.get_by_text(re.compile(r"^\d+ excerpts from \d+ stud"))).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Open in Coding").first).to_be_visible()
    page.screenshot(path=str(artifacts / "graphs.png"), full_page=True)
    page.close()
