"""The Demand and capacity panel, the Flow view and the new Properties fields, in a real window
on a copy of the Luton template given figures in code (the shipped template is not changed)."""

from __future__ import annotations

import json

import pytest

from designer.document import Document
from designer.main_window import MainWindow
from models.fileio import parse_model
from models.templates import template_path

from conftest import show_window, without_flow_figures

REFERRALS = {"self": 700, "gp": 250, "hospital": 300, "custody": 150, "probation": 200,
             "prison": 120, "yp-ref": 90}
CAPACITY = {"hub": 1800, "clinical": 1450, "cj": 400, "recovery": 900, "rehab": 30,
            "outreach": 500, "harm": 900, "yp": 120, "shared": 250, "detox": 40, "ips": 150,
            "family": 200}


def luton_with_figures():
    raw = without_flow_figures(json.loads(template_path("luton").read_text(encoding="utf-8")))
    for c in raw["components"]:
        if c["id"] in REFERRALS:
            c["annual_referrals"] = REFERRALS[c["id"]]
        if c["id"] in CAPACITY:
            c.update(capacity=CAPACITY[c["id"]], episode_months=6, completion_percent=45)
    raw["pathways"].append({"source": "recovery", "target": "clinical", "share_percent": 10})
    return parse_model(json.dumps(raw).encode())


@pytest.fixture
def window(qtbot, monkeypatch):
    from designer import messages

    # Closing a window with edits asks a question: answer Discard, as conftest's luton_window.
    monkeypatch.setattr(messages, "choose",
                        lambda parent, title, text, buttons, *a, **k:
                        "Discard" if "Discard" in buttons else buttons[0])
    doc = Document(luton_with_figures())
    w = show_window(qtbot, MainWindow(doc), 1400, 900)
    yield w
    doc.blockSignals(True)
    doc.undo_stack.blockSignals(True)


def rows(panel) -> dict[str, list[str]]:
    model = panel.proxy
    return {model.index(r, 0).data(): [model.index(r, c).data()
                                        for c in range(model.columnCount())]
            for r in range(model.rowCount())}


def test_the_panel_shows_the_figures_and_selects_a_row(window, qtbot):
    window.docks["flow"].show()
    window.docks["flow"].raise_()
    panel = window.flow
    qtbot.waitUntil(lambda: panel.result is not None)
    table = rows(panel)
    assert table["Self-referral"][1] == "700"
    assert "OVER" in table["Residential rehab (spot purchase)"][3]
    assert "People coming in a year: 1,810" in panel.summary.text()
    # Sortable: by people a year, busiest first.
    panel.table.sortByColumn(1, panel.table.horizontalHeader().sortIndicatorOrder().DescendingOrder)
    first = panel.proxy.index(0, 0).data()
    assert first == "Recovery and aftercare" or first in table
    index = next(panel.proxy.index(r, 0) for r in range(panel.proxy.rowCount())
                 if panel.proxy.index(r, 0).data() == "Clinical treatment and prescribing")
    panel._clicked(index)
    assert window.scene.selected_ids()[0] == ["clinical"]


def test_referrals_up_by_a_percentage_do_not_edit_the_model(window, qtbot):
    window.docks["flow"].show()
    panel = window.flow
    panel.refresh()
    before = rows(panel)["Self-referral"][1]
    panel.scale_spin.setValue(20)
    qtbot.waitUntil(lambda: rows(panel)["Self-referral"][1] == "840")
    assert before == "700" and "up by 20%" in panel.summary.text()
    # Costs are not scaled with the people: the summary says so before its cost per completion.
    assert panel.summary.text().startswith("With referrals up by 20% (the model is not "
                                           "changed). Costs stay as they are")
    assert window.doc.model.component("self").annual_referrals == 700
    assert not window.doc.is_modified()


def test_the_flow_view_of_a_scenario_says_so_in_the_status_bar(window, qtbot):
    from PySide6.QtWidgets import QLabel

    scenario = next(w for w in window.statusBar().findChildren(QLabel)
                    if w.accessibleName() == "Flow view scenario")
    window.flow.flow_action.setChecked(True)
    assert scenario.isHidden()  # the model's own figures: nothing to say
    window.flow.scale_spin.setValue(-10)
    qtbot.waitUntil(lambda: not scenario.isHidden())
    assert scenario.text() == "Flow view: with referrals down by 10% (the model is not changed)"
    window.flow.scale_spin.setValue(0)
    qtbot.waitUntil(scenario.isHidden)
    window.flow.scale_spin.setValue(30)
    qtbot.waitUntil(lambda: not scenario.isHidden())
    window.flow.flow_action.setChecked(False)
    assert scenario.isHidden()


def test_lot_and_cohort_totals(window):
    panel = window.flow
    panel.refresh()
    panel.view_combo.setCurrentIndex(panel.view_combo.findData("lots"))
    assert set(rows(panel)) == {lot.name for lot in window.doc.model.plan().lots}
    panel.view_combo.setCurrentIndex(panel.view_combo.findData("cohorts"))
    assert "Adults (18+)" in rows(panel)


def test_flow_view_draws_bands_and_bars_and_goes_away(window, qtbot):
    from designer.canvas.flow_overlay import CapacityBar, FlowBand

    window.flow.flow_action.setChecked(True)
    overlay = window.flow.overlay
    bands = [i for i in overlay.items if isinstance(i, FlowBand)]
    bars = {i.parentItem().component_id: i for i in overlay.items if isinstance(i, CapacityBar)}
    assert len(bands) == len(window.doc.model.pathways)
    assert bars["rehab"].over and "OVER" in bars["rehab"].text
    assert not bars["hub"].over and "OVER" not in bars["hub"].text
    widths = {b.parentItem().pathway_id: b.width for b in bands}
    assert widths["hub->clinical"] > widths["gp->hub"] or widths["gp->hub"] > 0
    window.flow.flow_action.setChecked(False)
    assert overlay.items == []


def test_properties_edit_the_new_fields_with_plain_labels(window, qtbot):
    props = window.properties
    window.scene.select_ids(["self"])
    qtbot.waitUntil(lambda: props.component_id == "self")
    fields = props.flow_fields
    assert fields.referrals.isVisibleTo(props) and not fields.stay.isVisibleTo(props)
    label = props.component_page.form.labelForField(fields.referrals).text().replace("&", "")
    assert label == "People a year who come in this way"
    fields.referrals.setValue(900)
    assert window.doc.model.component("self").annual_referrals == 900
    window.scene.select_ids(["clinical"])
    qtbot.waitUntil(lambda: props.component_id == "clinical")
    assert fields.stay.isVisibleTo(props) and not fields.referrals.isVisibleTo(props)
    label = props.component_page.form.labelForField(fields.stay).text().replace("&", "")
    assert label == "Average stay (months)"
    fields.stay.setValue(9)
    assert window.doc.model.component("clinical").episode_months == 9


# --- one flow run per check, shared with the panel ------------------------------------------

@pytest.fixture
def flow_calls(window, monkeypatch):
    """The scale of every call of models.flow.run_flow on the window's model (the document
    and the panel import it when they run; windows of earlier tests may still check theirs)."""
    import models.flow

    calls: list[float] = []
    real = models.flow.run_flow

    def counted(model, *args, **kwargs):
        if model is window.doc.model:
            calls.append(kwargs.get("scale", 1.0))
        return real(model, *args, **kwargs)

    monkeypatch.setattr(models.flow, "run_flow", counted)
    return calls


def test_the_panel_shows_the_check_runs_figures_without_its_own_flow(window, qtbot, flow_calls):
    window.doc.run_checks()
    assert flow_calls == [1.0]  # the checks' one flow run, which the findings came from
    shared = window.doc.flow
    window.docks["flow"].show()
    window.docks["flow"].raise_()
    panel = window.flow
    qtbot.waitUntil(lambda: panel.result is shared)
    assert rows(panel)["Self-referral"][1] == "700"
    panel.view_combo.setCurrentIndex(panel.view_combo.findData("lots"))  # totals added only
    assert set(rows(panel)) == {lot.name for lot in window.doc.model.plan().lots}
    window.flow.flow_action.setChecked(True)
    assert flow_calls == [1.0]
    # An edit: one check run 150 ms later, and the panel shows its figures, not its own.
    window.doc.update_component("self", {"annual_referrals": 800})
    qtbot.waitUntil(lambda: panel.result is window.doc.flow and panel.result is not shared)
    assert flow_calls == [1.0, 1.0]
    panel.view_combo.setCurrentIndex(panel.view_combo.findData("components"))
    assert rows(panel)["Self-referral"][1] == "800"
    # Sensitivity works out its own scaled figures, and leaves the document's alone.
    panel.scale_spin.setValue(10)
    qtbot.waitUntil(lambda: rows(panel)["Self-referral"][1] == "880")
    assert flow_calls == [1.0, 1.0, 1.1] and window.doc.flow.referrals == 1810 + 100


def test_the_panel_shown_right_after_an_edit_shows_the_model_as_it_is(window, qtbot):
    panel = window.flow
    cid = window.doc.add_component("gp_referral", 0, 0, "New route")
    window.doc.update_component(cid, {"annual_referrals": 50})
    window.doc.add_pathway(cid, "hub")
    window.doc.remove_items(["yp-ref"])
    window.docks["flow"].show()  # before the check the edits wait for
    window.docks["flow"].raise_()
    panel.refresh()
    table = rows(panel)
    assert table["New route"][1] == "50" and "Young people's referral" not in str(table)
    assert panel.result is window.doc.flow


# --- the table model: plain rows, sorting, a click selects the box ---------------------------

def test_the_table_sorts_and_a_click_selects_the_box(window, qtbot):
    from PySide6.QtCore import QAbstractTableModel, Qt

    window.docks["flow"].show()
    window.docks["flow"].raise_()
    panel = window.flow
    qtbot.waitUntil(lambda: panel.result is not None)
    assert isinstance(panel.table_model, QAbstractTableModel)
    proxy, column = panel.proxy, 1  # people a year
    panel.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    figures = [panel.result.components[proxy.index(r, 0).data(panel_ids_role())[0]].arrivals
               for r in range(proxy.rowCount())]
    known = [f for f in figures if f is not None]
    assert known == sorted(known, reverse=True) and figures[:len(known)] == known
    panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert names == sorted(names, key=str.lower)
    # Headers explain the figures; names are tool tips as plain text.
    tip = proxy.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "average stay" in tip
    # A real click on a row selects its box, whatever the sort.
    row = names.index("Inpatient detox (spot purchase)")
    rect = panel.table.visualRect(proxy.index(row, 2))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.scene.selected_ids()[0] == ["detox"]
    # Refreshing while sorted keeps the sort and the rows (no items are deleted under Qt).
    window.doc.run_checks()
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == names


def panel_ids_role():
    from designer.docks.flow import IDS_ROLE

    return IDS_ROLE


def test_a_name_with_markup_is_shown_as_text(window, qtbot):
    from PySide6.QtCore import Qt

    window.doc.update_component("detox", {"name": "<b>Detox</b>"})
    window.docks["flow"].show()
    window.docks["flow"].raise_()
    panel = window.flow
    qtbot.waitUntil(lambda: "<b>Detox</b>" in rows(panel))
    index = next(panel.proxy.index(r, 0) for r in range(panel.proxy.rowCount())
                 if panel.proxy.index(r, 0).data() == "<b>Detox</b>")
    assert "&lt;b&gt;Detox" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_a_capacity_bar_shows_its_share_under_its_text(window):
    """The hub's bar (900 of 1,800, 50%) painted into an image: grey to half way, under the
    text too, white after. A white box behind the text hid the middle of the share."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QImage, QPainter

    from designer.canvas.flow_overlay import CapacityBar

    window.flow.flow_action.setChecked(True)
    (bar,) = [i for i in window.flow.overlay.items
              if isinstance(i, CapacityBar) and i.parentItem().component_id == "hub"]
    assert not bar.over
    scale = 4
    image = QImage((bar.rect.size() * scale).toSize() + bar.rect.size().toSize(),
                   QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(scale, scale)
    painter.translate(-bar.rect.topLeft() + QPointF(1, 1))
    bar.paint(painter, None)
    painter.end()

    def shade(share: float) -> int:  # just under the bar's top edge, above the letters
        x = (bar.rect.width() * share + 1) * scale
        return image.pixelColor(int(x), int(2.5 * scale)).value()
    assert all(150 < shade(s) < 215 for s in (0.1, 0.3, 0.45))  # under the text as well
    assert all(shade(s) > 240 for s in (0.55, 0.7, 0.9))


def test_lot_tags_keep_clear_of_the_flow_views_bars_and_numbers(window):
    """With the Flow view on, a lot's name tag found its spot as if the bars under the boxes
    and the numbers on the arrows were not there, and covered them (Leicestershire's
    'L1 Community treatment service' lay across Outreach's bar). The tags move clear."""
    from PySide6.QtWidgets import QApplication

    from designer.canvas.flow_overlay import CapacityBar, FlowBand

    window.flow.flow_action.setChecked(True)
    QApplication.processEvents()
    items = window.flow.overlay.items
    covered = [i.mapRectToScene(i.rect) for i in items if isinstance(i, CapacityBar)]
    covered += [i.mapRectToScene(i.number_rect()) for i in items if isinstance(i, FlowBand)]
    regions = window.lots.regions.regions.values()
    tags = [region.tags.mapRectToScene(rect) for region in regions
            for rect, _ in region.tags.tags]
    assert tags and covered
    assert not [(t, c) for t in tags for c in covered if t.intersects(c)]


# --- the Flow view's numbers placed as on paper; the dock's table gets the room --------------

def template_window(qtbot, monkeypatch, name: str, width: int = 1400, height: int = 900):
    """A real window on a shipped template as it is (its illustrative figures), with a fresh
    layout: no window state saved by an earlier test."""
    from PySide6.QtCore import QSettings

    from designer import messages
    from models.templates import load_template

    monkeypatch.setattr(messages, "choose",
                        lambda parent, title, text, buttons, *a, **k:
                        "Discard" if "Discard" in buttons else buttons[0])
    QSettings().remove("window")
    return show_window(qtbot, MainWindow(Document(load_template(name))), width, height)


def number_clashes(window) -> list:
    """Numbers over each other, over a capacity bar or over a box (scene rectangles)."""
    from designer.canvas.flow_overlay import CapacityBar, FlowBand

    items = window.flow.overlay.items
    numbers = [(i.parentItem().pathway_id, i.mapRectToScene(i.number_rect())) for i in items
               if isinstance(i, FlowBand) and not i.number_rect().isEmpty()]
    assert numbers
    solid = [(i.parentItem().component_id + " bar", i.mapRectToScene(i.rect)) for i in items
             if isinstance(i, CapacityBar)]
    solid += [(cid, c.mapRectToScene(c.box())) for cid, c in window.scene.components.items()]
    clashes = [(p, q) for n, (p, a) in enumerate(numbers) for q, b in numbers[n + 1:]
               if a.intersects(b)]
    return clashes + [(p, q) for p, a in numbers for q, b in solid if a.intersects(b)]


@pytest.mark.parametrize("name", ["leicestershire", "luton"])
def test_flow_view_numbers_keep_clear_and_follow_a_moved_box(qtbot, monkeypatch, name):
    """The numbers were drawn a third of the way along each arrow: '260 / 102 / 68 a year'
    lay on top of each other, and '40 a year' under Outreach's bar. Now they are placed as
    on paper, and placed again once a dragged box is dropped (hidden while it moves)."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from designer.canvas.flow_overlay import FlowBand

    window = template_window(qtbot, monkeypatch, name)
    window.flow.flow_action.setChecked(True)
    QApplication.processEvents()
    assert number_clashes(window) == []

    box = window.scene.components["self"]

    def own():  # the bands of the box's arrows (the Flow view draws anew after a check)
        return [i for i in window.flow.overlay.items if isinstance(i, FlowBand)
                and placed(i) and box in (i.parentItem().source, i.parentItem().target)]
    assert own() and all(not b.number_rect().isEmpty() for b in own())
    view = window.view
    view.set_zoom(1.0)
    view.centerOn(box)
    port = view.viewport()
    at = view.mapFromScene(box.mapToScene(box.box().center()))
    start = box.pos()
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    for step in range(1, 5):
        QTest.mouseMove(port, at + QPointF(-20 * step, -4 * step).toPoint())
    assert box.pos() != start
    assert all(b.number_rect().isEmpty() for b in own())  # not placed on every move
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       at + QPointF(-80, -16).toPoint())
    qtbot.waitUntil(lambda: own() and all(not b.number_rect().isEmpty() for b in own()))
    QApplication.processEvents()
    assert window.doc.undo_stack.canUndo() and box.pos() != start  # moved, as an edit
    assert number_clashes(window) == []


def placed(band) -> bool:
    from shiboken6 import isValid

    return isValid(band) and band.scene() is not None


def test_the_dock_shows_its_table_at_1366x768(qtbot, monkeypatch):
    """The summary lines above the table left room for one row on a 1366x768 laptop: they
    go beside it now, and the tab, first raised, grows like the Tables tab."""
    window = template_window(qtbot, monkeypatch, "leicestershire", 1366, 768)
    window.docks["flow"].show()
    window.docks["flow"].raise_()
    panel = window.flow
    qtbot.waitUntil(lambda: panel.proxy.rowCount() > 6)
    table = panel.table

    def rows_shown() -> int:
        return sum(1 for r in range(panel.proxy.rowCount())
                   if 0 <= table.visualRect(panel.proxy.index(r, 0)).top()
                   and table.visualRect(panel.proxy.index(r, 0)).bottom()
                   <= table.viewport().height())
    qtbot.waitUntil(lambda: rows_shown() >= 6)
    assert "People coming in a year" in panel.summary.text()
    assert window.view.viewport().height() > 300  # the canvas keeps most of the room


def test_the_most_the_system_could_carry_is_worked_out_on_demand(window, qtbot):
    window.docks["flow"].show()
    panel = window.flow
    panel.refresh()
    assert panel.most_label.isHidden()
    panel.most_button.click()
    assert not panel.most_label.isHidden()
    assert panel.most_label.text().startswith("The most people a year the system could carry")
    # The services that limit it are selected on the canvas.
    components, _ = window.scene.selected_ids()
    assert components
    # An edit makes the answer stale: it goes, until asked for again.
    window.doc.update_component("self", {"annual_referrals": 900})
    window.doc.flush_checks()
    assert panel.most_label.isHidden()
