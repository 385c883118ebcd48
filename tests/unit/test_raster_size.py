"""A PNG's pixel budget: figures within it keep their 300 dpi, larger ones get fewer dots, same print size."""

import io

import pytest
from PIL import Image

from workbench.domain.overview import Cell, Matrix
from workbench.domain.print_geometry import MAX_PNG_PIXELS, MAX_PNG_SIDE, raster_scale
from workbench.graphs.export import DPI, convert_svg, png_dpi
from workbench.graphs.libcairo import CairoError
from workbench.graphs.paint import paint
from workbench.graphs.svg import matrix_svg
from workbench.services.publication import scaled_pngs


def _svg(width: int, height: int) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<rect width="{width}" height="{height}" fill="white"/>'
        f'<rect x="10" y="10" width="{width // 2}" height="{height // 3}" fill="#2ca02c" stroke="#555555"/>'
        f'<text font-size="14" text-anchor="start"><tspan x="12" y="30">Study 1</tspan></text></svg>'
    ).encode()


@pytest.mark.parametrize(
    ("width", "height", "scale"), [(1000, 1000, 300 / 96), (480, 1440, 4.18), (10, 10, 1)]
)
def test_a_figure_within_the_pixel_budget_keeps_its_scale(width, height, scale):
    assert raster_scale(width, height, scale) == scale


@pytest.mark.parametrize(("width", "height"), [(1811, 5567), (5000, 5000), (300, 12000)])
def test_a_larger_figure_is_scaled_down_uniformly_to_just_within_the_budget(width, height):
    scale = raster_scale(width, height, 300 / 96)
    pixels = round(width * scale) * round(height * scale)
    assert scale < 300 / 96 and 0.99 * MAX_PNG_PIXELS < pixels <= MAX_PNG_PIXELS


def test_a_very_long_figure_is_capped_at_cairos_longest_side():
    scale = raster_scale(40, 20000, 300 / 96)
    assert round(20000 * scale) <= MAX_PNG_SIDE and round(40 * scale) * round(20000 * scale) <= MAX_PNG_PIXELS


def test_a_png_past_the_budget_decodes_at_the_capped_size_declaring_the_same_printed_size():
    png = convert_svg(_svg(1811, 5567), "png", 1)  # a 200-study matrix's size: 98 megapixels at 300 dpi
    image = Image.open(io.BytesIO(png))
    image.load()
    width, height = image.size
    assert width * height <= MAX_PNG_PIXELS and width / height == pytest.approx(1811 / 5567, rel=1e-3)
    dpi = png_dpi(png)
    assert dpi is not None and dpi < DPI
    assert width / dpi == pytest.approx(1811 / 96, rel=0.01)  # inches wide, as at 300 dpi


def test_a_png_within_the_budget_holds_exactly_the_pixels_cairo_painted_at_300_dpi():
    svg = _svg(640, 480)
    png = convert_svg(svg, "png", 1)
    pixels, size = paint(svg, "png", 300 / 96)
    decoded = Image.open(io.BytesIO(png))
    assert (
        decoded.mode == "RGB"
        and decoded.size == size == (2000, 1500)
        and png_dpi(png) == pytest.approx(300, abs=0.01)
    )
    assert decoded.tobytes() == pixels
    # red, green and blue in that order: the green box, its grey border, the white page around it
    scale = 300 / 96
    assert decoded.getpixel((round(200 * scale), round(100 * scale))) == (0x2C, 0xA0, 0x2C)
    assert decoded.getpixel((round(10 * scale), round(60 * scale))) == (0x55, 0x55, 0x55)
    assert decoded.getpixel((round(500 * scale), round(400 * scale))) == (255, 255, 255)


def test_the_readme_names_each_scaled_down_png_and_says_the_svg_and_pdf_are_full_size():
    files = {
        "figures/big.png": convert_svg(_svg(1811, 5567), "png", 1),
        "figures/small.png": convert_svg(_svg(640, 480), "png", 1),
        "figures/big.svg": _svg(1811, 5567),
    }
    [line] = scaled_pngs(files)
    assert (
        line.startswith("figures/big.png is ")
        and "16 megapixels" in line
        and "SVG and PDF are full size" in line
    )


def test_a_surface_cairo_cannot_make_is_cairos_own_error_not_a_crash():
    with pytest.raises(CairoError, match="too big"):
        paint(_svg(40, 20000), "png", 10)  # 200,000 pixels high: past cairo's 32,767


def test_a_label_with_a_control_character_still_paints_as_png_and_pdf():
    # a vertical tab, as text pasted from a PDF can carry, in a code name and a study's citation
    matrix = Matrix(
        "Excerpts\x0b by study",
        (("s1", "Okafor\x0b et al., 2024"),),
        (("c1", "Trust\x0bbuilding & <safety>"),),
        (Cell("s1", "c1", 3, frozenset({1}), ()),),
    )
    svg = matrix_svg(matrix, "#2ca02c")
    assert "\x0b" not in svg and "Trustbuilding &amp; &lt;safety&gt;" in svg
    assert convert_svg(svg, "png", 1).startswith(b"\x89PNG")
    assert convert_svg(svg, "pdf", 1).startswith(b"%PDF")
