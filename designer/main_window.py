"""The main window: the canvas in the middle, docks around it, menus, files and settings.

Every part is built here, as a typed attribute: the scene and view, the docks, the menus and
actions (window_menus.py; other parts add their actions with `self.menu_actions.add` into
`self.menus`), F2 rename (rename.py), recent files (files/recent.py), Lots (docks/lots.py),
Demand and capacity (docks/flow.py) and the file safety net (files/safety.py). `add_dock()`
places a dock and lists it in View > Panels.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QDialog, QDockWidget, QFileDialog, QLabel, QMainWindow, QMenu,
                               QMessageBox, QTabBar, QWidget)

from models import ModelFileError, ServiceModel, read_model
from models.catalogue import KINDS, stage_group
from models.checks import counts_text
from models.wording import plural
from models.fileio import EXTENSION
from models.templates import load_template

from .canvas import CanvasView, ComponentItem, Minimap, ModelScene, PathwayItem
from .canvas.scene import CONNECT_HINT
from . import messages
from .docks.checks import ChecksPanel
from .dialogs.connect_to import ConnectDialog
from .document import Document
from .icons import kind_icon
from .files.recent import RecentFiles
from .files.safety import install_files, remembered_author
from .docks.flow import install_flow
from .docks.lots import install_lots
from .docks.palette import Palette
from .docks.properties import PropertyEditor
from .widgets.screens import MAXIMISE_BELOW, available_area, first_window_size, fit_to_screen
from .docks.tables import ModelTables
from .rename import RenameInPlace
from .window_menus import MINIMAP_FROM, WindowMenus

APP_NAME = "Service Model Designer"
FILE_FILTER = f"Service models (*{EXTENSION});;All files (*)"


class MainWindow(QMainWindow):
    def __init__(self, document: Document | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session_ending = False  # set by designer/session_end.py when Windows logs off
        # A document made here waits for its first check until the canvas has painted (see
        # _FirstPaint): the window shows without waiting for networkx and the checks.
        self.doc = document or Document(check=False)
        if self.doc.parent() is None:  # the window owns its document: they go together
            self.doc.setParent(self)
        self.setObjectName("MainWindow")
        self.setAccessibleName(APP_NAME)
        self.scene = ModelScene(self.doc, self)
        self.view = CanvasView(self.scene)
        self.setCentralWidget(self.view)
        self.minimap = Minimap(self.view)
        self.docks: dict[str, QDockWidget] = {}
        self.menus: dict[str, QMenu] = {}  # filled by WindowMenus; other parts add to them
        self._fitted = False
        self._first_size = self._first_run = False
        self._tables_grown = True
        self.recent = RecentFiles()
        self.setAcceptDrops(True)

        # Palette and Properties run the full height; the Checks, Tables and Lots tabs sit
        # under the canvas only, so on a laptop screen the canvas keeps most of the room.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.palette = Palette()
        self.properties = PropertyEditor(self.doc)
        self.checks = ChecksPanel(self.doc)
        self.tables = ModelTables(self.doc)
        self.add_dock("palette", "Palette", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock("properties", "Properties", self.properties,
                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock("checks", "Checks", self.checks, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.add_dock("tables", "Tables", self.tables, Qt.DockWidgetArea.BottomDockWidgetArea,
                      tabify_with="checks")
        self.docks["checks"].raise_()

        self.rename = RenameInPlace(self)
        self._build_status_bar()
        self.menu_actions = WindowMenus(self)
        # The actions other code and tests reach by name.
        self.act_undo, self.act_redo = self.menu_actions.undo, self.menu_actions.redo
        self.act_minimap, self.act_revert = self.menu_actions.minimap, self.menu_actions.revert
        self._connect()
        self.lots = install_lots(self)  # Lots dock and menu (designer/docks/lots.py)
        self.flow = install_flow(self)  # Demand and capacity dock, Flow view (flow_dock.py)
        # The Lots panel needs a wide row of buttons: beside the Checks it has the width, and
        # the canvas keeps it (a laptop at 1024x768 still shows the names on the boxes).
        self.tabifyDockWidget(self.docks["checks"], self.docks["lots"])
        self.docks["checks"].raise_()
        # A plan called "Three lots" must show three lots: make room whenever the Lots panel
        # is raised or its plan changes.
        self.docks["lots"].visibilityChanged.connect(
            lambda shown: shown and QTimer.singleShot(0, self._fit_lots))
        self.lots.refreshed.connect(self._fit_lots)
        # Save flow, changed-on-disk check, banner, recovery copies, Compare, Share, History.
        self.files = install_files(self)  # designer/files/safety.py
        self._restore_settings()
        self._update_title()
        self._update_counts()
        self.minimap.set_wanted(self.act_minimap.isChecked())
        self._first_paint = _FirstPaint(self.view.viewport(), self.doc)

    # --- layout -----------------------------------------------------------------------------
    def add_dock(self, key: str, title: str, widget: QWidget, area: Qt.DockWidgetArea,
                 tabify_with: str | None = None) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{key}")  # saveState() needs stable names
        dock.setAccessibleName(f"{title} panel")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tabify_with:
            self.tabifyDockWidget(self.docks[tabify_with], dock)
        self.docks[key] = dock
        if "panels" in self.menus:  # docks added after the menus are listed in Panels too
            self.menus["panels"].addAction(dock.toggleViewAction())
        return dock

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setAccessibleName("Status bar")
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.counts_label.setAccessibleName("Finding counts")
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom level")
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.zoom_label)
        bar.showMessage(CONNECT_HINT)
        # When a temporary message times out, bring the connect hint back.
        bar.messageChanged.connect(lambda text: text or bar.showMessage(CONNECT_HINT))

    def _connect(self) -> None:
        doc = self.doc
        doc.modifiedChanged.connect(self._update_title)
        doc.pathChanged.connect(self._update_title)
        doc.modelChanged.connect(self._update_title)
        doc.findingsChanged.connect(self._update_counts)
        doc.modelReset.connect(self._model_reset)
        doc.restored.connect(self._select_and_centre)  # an undone delete shows what came back
        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.checks.showComponents.connect(self.show_components)
        self.tables.selectionRequested.connect(self._select_and_centre)
        self.palette.addKind.connect(self.view.add_component_at)
        self.view.fileDropped.connect(self.open_file)
        self.view.zoomChanged.connect(self._update_zoom)
        self.view.menuRequested.connect(self._canvas_menu)
        self.docks["tables"].visibilityChanged.connect(self._tables_shown)

    # --- state shown in the window ----------------------------------------------------------
    def _update_title(self, *_) -> None:
        name = self.doc.path.name if self.doc.path else self.doc.model.title
        self.setWindowTitle(f"{name}[*] - {APP_NAME}")
        self.setWindowModified(self.doc.is_modified())
        self.act_revert.setEnabled(self.doc.path is not None)

    def _update_counts(self) -> None:
        if not self.doc.checked:
            self.counts_label.setText("Checking…")
            return
        counts = self.doc.counts()
        self.counts_label.setText(counts_text(counts, " · "))

    def _update_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom:.0%}")
        self.minimap.viewport().update()
        self.minimap.schedule_place()

    def _selection_changed(self) -> None:
        self.properties.show_selection(*self.scene.selected_ids())

    def _model_reset(self) -> None:
        self.act_minimap.setChecked(len(self.doc.model.components) >= MINIMAP_FROM)
        self._fit_model()
        self.minimap.refit()
        self._update_title()

    def _fit_model(self) -> None:
        """Fit the model to the canvas; when names would be too small for all of it to show
        (a small screen, a large model), show the minimap so the rest is not missed."""
        self.view.fit_to_window()
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        model = self.scene.itemsBoundingRect()
        if self.isVisible() and not model.isEmpty() and not visible.contains(model):
            self.act_minimap.setChecked(True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._fitted:  # fit once the window has its real size
            self._fitted = True
            if self._first_run:
                self._first_layout()
            QTimer.singleShot(0, self._fit_model)
            self.view.setFocus()  # keyboard users start on the diagram (Tab walks the boxes)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self.minimap.place)

    # --- selection and editing --------------------------------------------------------------
    def show_components(self, component_ids: list[str]) -> None:
        self.scene.select_ids(component_ids)
        self.view.centre_on_components(component_ids)

    def _select_and_centre(self, component_ids: list[str], pathway_ids: list[str]) -> None:
        self.scene.select_ids(component_ids, pathway_ids)
        if component_ids:
            self.view.centre_on_components(component_ids)
        elif pathway_ids:
            p = self.doc.model.pathway(pathway_ids[0])
            self.view.centre_on_components([p.source, p.target])

    def delete_selection(self) -> None:
        components, pathways = self.scene.selected_ids()
        if components or pathways:
            # Said in the status bar for keyboard and screen-reader users too.
            what = (f'"{self.doc.model.component(components[0]).name}"'
                    if len(components) == 1 and not pathways else
                    " and ".join(plural(n, word) for n, word in ((len(components), "component"),
                                                                  (len(pathways), "pathway")) if n))
            self.doc.remove_items(components, pathways)
            self.statusBar().showMessage(f"Deleted {what}. Undo (Ctrl+Z) brings it back.", 8000)
        else:
            self.statusBar().showMessage("Select a component or pathway to delete.", 5000)

    def connect_to(self) -> None:
        """Add a pathway without the mouse: choose the target by name (designer/dialogs/connect_to.py)."""
        components = self.scene.selected_ids()[0]
        if len(components) != 1:
            self.statusBar().showMessage("Select one component to connect from.", 5000)
            return
        source = components[0]
        dialog = self.connect_dialog(source)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        target = dialog.chosen()
        dialog.deleteLater()  # a fresh list of names next time
        if accepted and target:
            self.scene.connect_components(source, target)
        else:
            self.statusBar().showMessage("No pathway added.", 5000)
        self.activateWindow()
        self.scene.select_ids([source])
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def connect_dialog(self, source: str) -> ConnectDialog:
        return ConnectDialog(self.doc.model, source, self)

    def canvas_menu(self, pos) -> QMenu:
        """The right-click menu: edit what is under the mouse, or add a component there."""
        menu = QMenu(self)
        item = self.view.itemAt(pos)
        while item is not None and not isinstance(item, (ComponentItem, PathwayItem)):
            item = item.parentItem()
        if item is None or not isinstance(item, (ComponentItem, PathwayItem)):
            where = self.view.mapToScene(pos)
            add = menu.addMenu("&Add Here")
            for group, kinds in groupby(KINDS.values(), key=stage_group):
                add.addSection(group)
                for kind in kinds:
                    add.addAction(kind_icon(kind.id), kind.name,
                                  lambda k=kind.id: self.view.add_component_at(k, where))
            menu.addSeparator()
            for name in ("fit-to-window", "automatic-layout", "select-all"):
                menu.addAction(self.findChild(QAction, f"act-{name}"))
            return menu
        if not item.isSelected():
            self.scene.select_ids(*(([item.component_id], []) if isinstance(item, ComponentItem)
                                    else ([], [item.pathway_id])))
        names = ("connect-to", "rename", "delete") if isinstance(item, ComponentItem) \
            else ("rename", "delete")
        for name in names:
            menu.addAction(self.findChild(QAction, f"act-{name}"))
        self.lots.add_canvas_menu_actions(menu, self.scene.selected_ids()[0])  # Move to lot
        return menu

    def _canvas_menu(self, pos) -> None:
        self.canvas_menu(pos).exec(self.view.viewport().mapToGlobal(pos))

    def select_all(self) -> None:
        self.scene.select_ids(list(self.scene.components))

    # --- files ------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask before losing unsaved changes; False means the user cancelled."""
        if not self.doc.is_modified():
            return True
        answer = messages.choose(
            self, "Save changes?",
            f"Save the changes to {self.doc.path.name if self.doc.path else self.doc.model.title}"
            " before closing it?", ["Save", "Discard", "Cancel"])
        if answer == "Save":
            return self.save()
        return answer == "Discard"

    def new_blank(self) -> None:
        if self.maybe_save():  # the author is the name given when last saving
            self.doc.set_model(ServiceModel(author=remembered_author()), None)

    def new_from_template(self, name: str) -> None:
        if self.maybe_save():
            self.doc.set_model(load_template(name), None)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = str(self.doc.path.parent) if self.doc.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open a service model", start, FILE_FILTER)
        if path:
            self.open_file(path, ask=False)

    def open_file(self, path: str, ask: bool = True) -> bool:
        """Open `path`; on a bad file say why in one line and keep the open model untouched."""
        try:
            if ask and self.doc.is_modified():
                read_model(path)  # a file that cannot open is refused before "Save changes?"
                if not self.maybe_save():
                    return False
            self.doc.open(path)  # read (again) now: it may have changed while we asked
        except ModelFileError as e:
            messages.cannot_open(self, path, e)
            return False
        self.recent.add(path)
        self.statusBar().showMessage(f"Opened {Path(path).name}.", 5000)
        return True

    def save(self) -> bool:
        return self.files.save()  # asks for a summary; read-only files go to Save As

    def save_as(self) -> bool:
        return self.files.save_as()  # suggests a file name made from the title

    def revert(self) -> None:
        if self.doc.path is None:
            return
        if self.doc.is_modified() and messages.choose(
                self, "Revert?", f"Discard your changes and reload {self.doc.path.name}?",
                ["Revert", "Cancel"]) != "Revert":
            return
        try:
            self.doc.revert()
        except ModelFileError as e:
            messages.tell(self, "Cannot reload the file", f"{self.doc.path.name}: {e}")

    # --- settings and dock sizes ------------------------------------------------------------
    def _restore_settings(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        self._first_size = geometry is None or not self.restoreGeometry(geometry)
        if self._first_size:
            fit_to_screen(self, MAXIMISE_BELOW.width(), MAXIMISE_BELOW.height())
        state = settings.value("window/state")
        # First run: size the docks in showEvent, once the window has its real size.
        self._first_run = state is None or not self.restoreState(state)

    def show_first(self) -> None:
        """Show as the app starts. The first run takes most of the screen, and a small screen
        (a 1366x768 laptop) all of it: maximised, and given the whole area too in case no
        window manager acts on the request."""
        if self._first_size:
            area = available_area(self)
            size = first_window_size(area)
            if size is None:
                self.setGeometry(area)
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
            else:
                fit_to_screen(self, size.width(), size.height())
                frame = self.frameGeometry()
                frame.moveCenter(area.center())
                self.move(frame.topLeft())
        self.show()

    def _first_layout(self) -> None:
        """Dock sizes for a first run: the canvas gets most of the room, the docks enough to
        read (palette names wrap, the Properties form fits without sideways scrolling)."""
        width, height = self.width(), self.height()
        self.resizeDocks([self.docks["palette"], self.docks["properties"]],
                         [min(200, max(165, width // 7)), min(360, max(300, width // 4))],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["checks"]], [min(220, max(150, height // 5))],
                         Qt.Orientation.Vertical)
        self._tables_grown = False

    def _tables_shown(self, visible: bool) -> None:
        # The first time the Tables tab is raised, give it room for about ten rows.
        if visible and not self._tables_grown:
            self._tables_grown = True
            wanted = min(300, self.height() * 3 // 10)
            if self.docks["tables"].height() < wanted:
                self.resizeDocks([self.docks["tables"]], [wanted], Qt.Orientation.Vertical)

    def _fit_lots(self) -> None:
        dock = self.docks["lots"]
        if dock.visibleRegion().isEmpty() or dock.isFloating():
            return  # behind another tab, or floating where the user sized it
        short = self.lots.rows_wanted_height() - self.lots.tree.height()
        if short > 0:
            # resizeDocks sizes a tabbed group including its tab bar
            tabs = max((bar.height() for bar in self.findChildren(QTabBar) if bar.isVisible()
                        and any(bar.tabText(i) == dock.windowTitle() for i in range(bar.count()))),
                       default=0)
            wanted = min(dock.height() + tabs + short, self.height() * 2 // 5)
            if wanted > dock.height() + tabs:
                self.resizeDocks([dock], [wanted], Qt.Orientation.Vertical)

    def save_settings(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())

    def closeEvent(self, event) -> None:
        if self.session_ending:  # log-off or an upgrade: the recovery copy is written, no asking
            self.save_settings()
            event.accept()
            return
        if self.maybe_save():
            self.save_settings()
            self.files.copies.closed()  # a clean close: no recovery copy is left behind
            event.accept()
        else:
            event.ignore()

    # --- drops ------------------------------------------------------------------------------
    @staticmethod
    def _model_file(mime) -> str | None:
        return next((url.toLocalFile() for url in mime.urls()
                     if url.toLocalFile().lower().endswith(EXTENSION)), None)

    def dragEnterEvent(self, event) -> None:
        if self._model_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._model_file(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_file(path)

    def show_getting_started(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Getting started")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(GETTING_STARTED)
        box.exec()


GETTING_STARTED = """\
Drag a kind from the Palette onto the canvas (or type "detox" in the quick-add box and press Enter).
Drag from the dot on a box's right edge to another box to add a pathway (or Shift+drag a box).
Keyboard: Tab walks the boxes; Ctrl+K connects the selected box to another chosen by name.
F2 renames (Enter keeps the new name, Esc puts the old one back); arrow keys move; Delete removes.
Select a box or arrow to edit it under Properties; select nothing to edit the model's details.
The Checks panel lists what the model is missing; click a finding to see its components.
Ctrl+Z undoes any edit; Ctrl+S saves; Ctrl+0 fits the model to the window."""


class _FirstPaint(QObject):
    """Runs the document's held-back first check once `widget` has first painted (queued, so
    the frame reaches the screen first)."""

    def __init__(self, widget: QWidget, document: Document) -> None:
        super().__init__(widget)
        self.document = document
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.document, self.document.first_check)
        return False
