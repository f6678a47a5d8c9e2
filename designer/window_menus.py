"""The main window's menus, toolbar and actions, built once by the window.

Other parts of the window (Lots, Files, Demand and capacity) add their own actions through
`WindowMenus.add`, into the menus named in `menus` ("file", "edit", "view", "arrange", "help",
"lots", ...), so every action gets an object name, a status tip and a shortcut that works even
when the menu bar is hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from models.templates import templates

from . import unexpected
from .widgets.plain_text import plain_tooltip

if TYPE_CHECKING:
    from .main_window import MainWindow

MINIMAP_FROM = 40  # show the minimap by default for models with this many components


class WindowMenus:
    def __init__(self, window: MainWindow):
        self.window = window
        self.menus = window.menus
        self._build_file()
        self._build_edit()
        self._build_view()
        self._build_arrange_and_help()
        self._build_toolbar()

    def add(self, text: str, slot=None, shortcut=None, tip: str = "", checkable=False,
            menu: QMenu | None = None) -> QAction:
        """An action named after its text ("act-save-as"), with a status tip and tool tip."""
        window = self.window
        action = QAction(text, window)
        plain = text.replace("&", "").rstrip(".")
        action.setObjectName("act-" + plain.lower().replace(" ", "-"))
        action.setStatusTip(tip or plain)
        action.setToolTip(tip or plain)
        if shortcut is not None:
            action.setShortcuts(QKeySequence.keyBindings(shortcut)
                                if isinstance(shortcut, QKeySequence.StandardKey)
                                else [QKeySequence(shortcut)])
        action.setCheckable(checkable)
        if slot is not None:
            (action.toggled if checkable else action.triggered).connect(slot)
        if menu is not None:
            menu.addAction(action)
        window.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def action(self, name: str) -> QAction:
        """An action by its object name without the "act-" ("fit-to-window")."""
        return self.window.findChild(QAction, f"act-{name}")

    # --- menus ------------------------------------------------------------------------------
    def _build_file(self) -> None:
        w, SK = self.window, QKeySequence.StandardKey
        file = self.menus["file"] = w.menuBar().addMenu("&File")
        # New Blank Model in the File menu itself, where its Ctrl+N is seen.
        self.add("&New Blank Model", w.new_blank, SK.New, "Start an empty model", menu=file)
        new = self.menus["new"] = file.addMenu("New from &Template")
        for template in templates():
            self.add(f"From template: {template.title}",
                     lambda _=False, n=template.name: w.new_from_template(n), menu=new)
        self.add("&Open...", w.open_dialog, SK.Open, "Open a model file", menu=file)
        self.menus["recent"] = file.addMenu("Open &Recent")
        self.menus["recent"].aboutToShow.connect(
            lambda: w.recent.fill(self.menus["recent"], w.open_file))
        file.addSeparator()
        self.add("&Save", w.save, SK.Save, "Save the model", menu=file)
        self.add("Save &As...", w.save_as, SK.SaveAs, "Save under another name", menu=file)
        self.revert = self.add("Re&vert", w.revert, None, "Discard changes and reload the file",
                               menu=file)
        self._add_printing(file)
        file.addSeparator()
        self.add("&Quit", w.close, SK.Quit, "Close the window", menu=file)

    def _add_printing(self, menu: QMenu) -> None:
        model = lambda: self.window.doc.model  # noqa: E731 - the model open when chosen
        menu.addSeparator()
        self.add("Print Pre&view...", lambda: self._printing("print_preview", model()), None,
                 "Preview the printed lot pack", menu=menu)
        self.add("&Print...", lambda: self._printing("print_pack", model()),
                 QKeySequence.StandardKey.Print, "Print the lot pack", menu=menu)
        self.add("Page Set&up...", lambda: self._printing("page_setup"), None,
                 "Choose paper size and orientation", menu=menu)
        export = self.menus["export"] = menu.addMenu("&Export")
        for fmt, label in (("pdf", "PDF..."), ("svg", "SVG..."), ("png", "PNG...")):
            self.add(f"Export as {label}",
                     lambda _=False, f=fmt: self._printing("export_pack", model(), f), None,
                     menu=export)

    def _printing(self, name: str, *args) -> None:
        from .printing import actions  # imported on use: printing pulls in QtPrintSupport
        getattr(actions, name)(self.window, *args)

    def _build_edit(self) -> None:
        w, SK = self.window, QKeySequence.StandardKey
        edit = self.menus["edit"] = w.menuBar().addMenu("&Edit")
        stack = w.doc.undo_stack
        self.undo = stack.createUndoAction(w, "&Undo")
        self.undo.setShortcuts(QKeySequence.keyBindings(SK.Undo))
        self.redo = stack.createRedoAction(w, "&Redo")
        # Ctrl+Y and Ctrl+Shift+Z on every desktop: Linux themes bind only one of them.
        redo_keys = QKeySequence.keyBindings(SK.Redo)
        redo_keys += [QKeySequence(k) for k in ("Ctrl+Y", "Ctrl+Shift+Z")
                      if QKeySequence(k) not in redo_keys]
        self.redo.setShortcuts(redo_keys)
        for action, name in ((self.undo, "Undo"), (self.redo, "Redo")):
            action.setObjectName(f"act-{name.lower()}")
            edit.addAction(action)
            w.addAction(action)
        edit.addSeparator()
        self.delete = self.add("&Delete", w.delete_selection, SK.Delete,
                               "Delete the selected components and pathways", menu=edit)
        self.add("Re&name", w.rename.start, "F2", "Rename the selected item", menu=edit)
        self.add("&Connect To...", w.connect_to, "Ctrl+K",
                 "Add a pathway from the selected component to one chosen by name", menu=edit)
        self.add("Select &All", w.select_all, SK.SelectAll, "Select every component", menu=edit)

    def _build_view(self) -> None:
        w, SK = self.window, QKeySequence.StandardKey
        view = self.menus["view"] = w.menuBar().addMenu("&View")
        zoom_in = self.add("Zoom &In", w.view.zoom_in, SK.ZoomIn, menu=view)
        zoom_in.setShortcuts([*zoom_in.shortcuts(), QKeySequence("Ctrl+=")])  # no Shift needed
        self.add("Zoom &Out", w.view.zoom_out, SK.ZoomOut, menu=view)
        self.add("&Actual Size", w.view.reset_zoom, "Ctrl+1", menu=view)
        self.add("&Fit to Window", w.view.fit_to_window, "Ctrl+0", "Show the whole model",
                 menu=view)
        view.addSeparator()
        self.minimap = self.add("&Minimap", w.minimap.set_wanted, None,
                                "Show an overview of the whole model", True, view)
        self.minimap.setChecked(len(w.doc.model.components) >= MINIMAP_FROM)
        self.menus["panels"] = view.addMenu("&Panels")
        for dock in w.docks.values():
            self.menus["panels"].addAction(dock.toggleViewAction())

    def _build_arrange_and_help(self) -> None:
        w, SK = self.window, QKeySequence.StandardKey
        arrange = self.menus["arrange"] = w.menuBar().addMenu("&Arrange")
        self.add("&Automatic Layout", w.doc.apply_layout, "Ctrl+L",
                 "Arrange the components left to right by stage (undoable)", menu=arrange)
        self.snap = self.add("&Snap to Grid", lambda on: setattr(w.scene, "snap", on), None,
                             "Align moved boxes to a 20-pixel grid", True, arrange)
        self.snap.setChecked(True)
        help_menu = self.menus["help"] = w.menuBar().addMenu("&Help")
        self.add("&Getting Started", w.show_getting_started, SK.HelpContents, menu=help_menu)
        self.add("Open &Log Folder", lambda: unexpected.open_log_folder(w), None,
                 "Show the folder of the log file, to send to support after a problem",
                 menu=help_menu)

    def _build_toolbar(self) -> None:
        # Actions have no accessible name of their own: assistive tools read the text and
        # the status tip, so every action has both (see add).
        toolbar = self.window.addToolBar("Main")
        toolbar.setObjectName("toolbar-main")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("open", "save", None, "delete", None, "fit-to-window", "zoom-in",
                     "zoom-out", None, "automatic-layout"):
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.action(name))
        toolbar.addSeparator()
        # The menu's Undo/Redo texts name the step ("Undo Connect A to B"); the toolbar keeps
        # short labels and names the step in the tool tip.
        stack = self.window.doc.undo_stack
        toolbar.addAction(self._short_action("Undo", stack.undo, stack.canUndoChanged,
                                             stack.undoTextChanged, stack.canUndo()))
        toolbar.addAction(self._short_action("Redo", stack.redo, stack.canRedoChanged,
                                             stack.redoTextChanged, stack.canRedo()))

    def _short_action(self, label: str, slot, enabled_signal, text_signal, enabled) -> QAction:
        action = _StepAction(label, self.window)
        action.setObjectName(f"toolbar-{label.lower()}")
        action.setEnabled(enabled)
        action.setToolTip(label)
        action.triggered.connect(slot)
        enabled_signal.connect(action.setEnabled)
        # A bound method of the action (not a lambda), so Qt drops the connection when the
        # action is deleted even if the undo stack lives on.
        text_signal.connect(action.show_step)
        return action


class _StepAction(QAction):
    """A toolbar Undo/Redo with a short label whose tool tip names the step."""

    def show_step(self, step: str) -> None:
        # The step names a component from the file: escaped, so "<b>" in it is not HTML.
        self.setToolTip(plain_tooltip(f"{self.text()} {step}".strip()))
