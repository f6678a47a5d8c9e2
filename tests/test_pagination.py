"""Pagination of large diagrams: no blank sheet, no sheet that spills, none shrunk, overlap kept."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.pagination import Rect, fit_scale, paginate, row_letters

PAGE_W, PAGE_H = 800.0, 500.0


def covered(tiles, point):
    x, y = point
    return any(t.source.x <= x <= t.source.right and t.source.y <= y <= t.source.bottom
               for t in tiles)


def test_fit_to_one_page_by_default():
    extent = Rect(-100, 50, 1600, 700)
    [tile] = paginate(extent, PAGE_W, PAGE_H)
    assert tile.label == "A1"
    assert tile.scale == pytest.approx(min(PAGE_W / 1600, PAGE_H / 700))
    # the whole diagram is on the sheet, centred, and the sheet is exactly one page
    assert tile.source.x <= extent.x and tile.source.right >= extent.right
    assert tile.source.y <= extent.y and tile.source.bottom >= extent.bottom
    assert tile.source.width * tile.scale == pytest.approx(PAGE_W)
    assert tile.source.height * tile.scale == pytest.approx(PAGE_H)
    assert tile.source.x - extent.x == pytest.approx(extent.right - tile.source.right)


def test_fit_is_capped_so_tiny_models_are_not_blown_up():
    assert fit_scale(Rect(0, 0, 10, 10), PAGE_W, PAGE_H, max_scale=2.0) == 2.0
    assert fit_scale(Rect(0, 0, 0, 0), PAGE_W, PAGE_H, max_scale=2.0) == 2.0


def test_grid_labels_rows_are_letters_columns_numbers():
    tiles = paginate(Rect(0, 0, 2000, 1200), PAGE_W, PAGE_H, scale=1.0, overlap=50)
    labels = [t.label for t in tiles]
    assert labels[:3] == ["A1", "A2", "A3"]
    assert "B1" in labels and "C3" in labels
    assert [row_letters(i) for i in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


def test_small_diagram_at_scale_is_one_sheet():
    tiles = paginate(Rect(0, 0, 300, 200), PAGE_W, PAGE_H, scale=1.0, overlap=40)
    assert [t.label for t in tiles] == ["A1"]


def test_blank_sheets_are_dropped():
    # An L-shaped diagram: content top-left and bottom-right only.
    content = [Rect(0, 0, 100, 100), Rect(1900, 1100, 100, 100)]
    tiles = paginate(Rect(0, 0, 2000, 1200), PAGE_W, PAGE_H, scale=1.0, overlap=0,
                     content=content)
    assert all(any(t.source.intersects(c) for c in content) for t in tiles)
    all_tiles = paginate(Rect(0, 0, 2000, 1200), PAGE_W, PAGE_H, scale=1.0, overlap=0)
    assert len(tiles) == 2 < len(all_tiles)


def test_invalid_arguments_are_refused():
    with pytest.raises(ValueError):
        paginate(Rect(0, 0, 10, 10), 0, PAGE_H)
    with pytest.raises(ValueError):
        paginate(Rect(0, 0, 10, 10), PAGE_W, PAGE_H, scale=-1)
    with pytest.raises(ValueError):
        paginate(Rect(0, 0, 10, 10), PAGE_W, PAGE_H, scale=1, overlap=PAGE_H)


@given(width=st.floats(1, 20_000), height=st.floats(1, 20_000), scale=st.floats(0.05, 1),
       overlap=st.floats(0, 200), x=st.floats(-5000, 5000), y=st.floats(-5000, 5000))
def test_tiles_cover_without_spilling_shrinking_or_losing_overlap(width, height, scale,
                                                                   overlap, x, y):
    extent = Rect(x, y, width, height)
    tiles = paginate(extent, PAGE_W, PAGE_H, scale=scale, overlap=overlap)
    for t in tiles:
        assert t.scale == scale  # no shrunken sheet
        # no spill: what the sheet shows is exactly one printable area at that scale
        assert t.source.width * t.scale == pytest.approx(PAGE_W)
        assert t.source.height * t.scale == pytest.approx(PAGE_H)
    by_cell = {(t.row, t.column): t for t in tiles}
    for (row, column), t in by_cell.items():
        right, below = by_cell.get((row, column + 1)), by_cell.get((row + 1, column))
        if right:
            assert (t.source.right - right.source.x) * scale == pytest.approx(overlap, abs=1e-6)
        if below:
            assert (t.source.bottom - below.source.y) * scale == pytest.approx(overlap, abs=1e-6)
    # every corner and the centre of the diagram is on some sheet
    for point in [(extent.x, extent.y), (extent.right, extent.y), (extent.x, extent.bottom),
                  (extent.right, extent.bottom), (x + width / 2, y + height / 2)]:
        assert covered(tiles, point)
