"""Issue 14, item 6: a new box goes in its stage's column, in the first free spot, on screen,
without moving the others (models/placement.py, no Qt)."""

from models import edits
from models.layout import COLUMN_SPACING, ROW_SPACING
from models.placement import BOX, column_x, new_box_position
from models.schema import ServiceModel


def add(model, kind, xy=None):
    xy = xy or new_box_position(model, kind)
    model.components.append(edits.new_component(model, kind, *xy))
    return xy


def overlaps(a, b):
    return abs(a[0] - b[0]) < BOX[0] and abs(a[1] - b[1]) < BOX[1]


def test_each_kind_goes_in_its_stage_column_on_a_blank_model():
    model = ServiceModel()
    assert add(model, "self_referral") == (0, 0)
    assert add(model, "access_hub") == (COLUMN_SPACING, 0)  # stage 1, not the referral column
    assert add(model, "adult_treatment") == (2 * COLUMN_SPACING, 0)
    assert add(model, "inpatient_detox") == (3 * COLUMN_SPACING, 0)
    assert add(model, "exit") == (5 * COLUMN_SPACING, 0)


def test_the_first_free_row_of_the_column_and_nothing_overlaps():
    model = ServiceModel()
    spots = [add(model, "gp_referral") for _ in range(3)]
    assert spots == [(0, 0), (0, ROW_SPACING), (0, 2 * ROW_SPACING)]
    # A box moved by hand into the column's next row is stepped over, not moved.
    add(model, "access_hub", (10, 3 * ROW_SPACING + 5))
    before = [(c.position.x, c.position.y) for c in model.components]
    spot = add(model, "self_referral")
    assert spot == (0, 4 * ROW_SPACING)
    assert [(c.position.x, c.position.y) for c in model.components[:-1]] == before
    assert not any(overlaps(spot, other) for other in before)


def test_a_gap_in_the_column_is_filled_first():
    model = ServiceModel()
    add(model, "gp_referral", (0, 0))
    add(model, "gp_referral", (0, 2 * ROW_SPACING))
    assert new_box_position(model, "self_referral") == (0, ROW_SPACING)


def test_rows_on_screen_come_first():
    model = ServiceModel()
    for _ in range(6):
        add(model, "gp_referral")
    # Scrolled down to rows 3 onwards: the new box is placed where the user is looking.
    visible = (-200.0, 3 * ROW_SPACING - 40, 1200.0, 9 * ROW_SPACING)
    x, y = new_box_position(model, "access_hub", visible)
    assert x == COLUMN_SPACING and visible[1] <= y - BOX[1] / 2 and y + BOX[1] / 2 <= visible[3]


def test_a_hand_drawn_model_keeps_its_own_columns():
    model = ServiceModel()
    add(model, "gp_referral", (100, 40))
    add(model, "adult_treatment", (700, 40))
    assert column_x(model, 2) == 700  # where its stage already is
    assert column_x(model, 3) == 700 + COLUMN_SPACING  # in line with the nearest stage
    assert new_box_position(model, "adult_treatment") == (700, 40 + ROW_SPACING)


def test_a_refused_spot_is_stepped_over():
    model = ServiceModel()
    refused = {(0.0, 0.0)}
    assert new_box_position(model, "gp_referral",
                            clear=lambda x, y: (x, y) not in refused) == (0, ROW_SPACING)
