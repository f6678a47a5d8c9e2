"""models/flow_numbers.py: the Flow view's numbers on their arrows, clear of what is drawn."""

from models.flow_numbers import place_numbers


def _clear(a, b, pad=0.0) -> bool:
    return (a[0] + a[2] <= b[0] - pad or b[0] + b[2] <= a[0] - pad
            or a[1] + a[3] <= b[1] - pad or b[1] + b[3] <= a[1] - pad)


def test_numbers_on_arrows_side_by_side_do_not_overlap():
    routes = {f"p{i}": [(0.0, 100.0 + 6 * i), (300.0, 100.0 + 6 * i)] for i in range(3)}
    sizes = {pid: [(60.0, 18.0), (30.0, 18.0)] for pid in routes}
    placed = place_numbers({}, [], routes, sizes)
    rects = [rect for rect, _, _ in placed.values()]
    assert len(rects) == 3
    assert all(_clear(a, b) for n, a in enumerate(rects) for b in rects[n + 1:])


def test_a_short_arrow_between_stacked_boxes_gets_its_number_aside_with_a_leader():
    """Two boxes one above the other, the upper one's bar filling the gap between them: the
    number goes beside the boxes, shortened, with the point on the arrow to lead to."""
    boxes = {"upper": (0.0, 0.0, 200.0, 60.0), "lower": (0.0, 90.0, 200.0, 60.0)}
    bar = (0.0, 63.0, 200.0, 14.0)
    routes = {"down": [(100.0, 60.0), (100.0, 90.0)]}
    sizes = {"down": [(60.0, 18.0), (24.0, 18.0)]}
    ((rect, option, anchor),) = place_numbers(boxes, [bar], routes, sizes).values()
    assert all(_clear(rect, r) for r in [*boxes.values(), bar])
    assert option == 1 and anchor == (100.0, 75.0)
