"""What the main window's File menu calls: print preview, print, page setup, export.

Thin on purpose: the pages come from `LotPack` and are painted by `paint_pages`, the same
function the PDF export uses, so the preview shows exactly the pages the PDF will have. The
page setup (paper, orientation, margins) and the last export folder are kept in QSettings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSettings, Qt
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import (QPageSetupDialog, QPrintDialog, QPrinter,
                                    QPrintPreviewDialog)
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QWidget

from models.schema import ServiceModel
from models.winpaths import safe_file_stem

from .. import messages
from ..platform import start_folder
from .pack import (CannotBegin, LotPack, options_from_layout, paint_pages, write_pdf, write_pngs,
                   write_svgs)

LAYOUT_KEY = "printing/pageLayout"
FOLDER_KEY = "printing/lastFolder"
FORMATS = {"pdf": "PDF", "svg": "SVG", "png": "PNG"}


def saved_page_layout() -> QPageLayout:
    """The page setup last chosen (A4 landscape, 12 mm margins the first time)."""
    value = QSettings().value(LAYOUT_KEY)
    paper, landscape, margin = "A4", True, 12.0
    if isinstance(value, str) and value.count(",") == 2:
        p, o, m = value.split(",")
        paper = p if p in ("A4", "A3") else paper
        landscape = o == "landscape"
        try:
            margin = min(max(float(m), 5.0), 40.0)
        except ValueError:
            pass
    return QPageLayout(QPageSize(QPageSize.A3 if paper == "A3" else QPageSize.A4),
                       QPageLayout.Landscape if landscape else QPageLayout.Portrait,
                       QMarginsF(margin, margin, margin, margin), QPageLayout.Millimeter)


def save_page_layout(layout: QPageLayout) -> None:
    options = options_from_layout(layout)
    QSettings().setValue(LAYOUT_KEY, f"{options.paper},"
                                     f"{'landscape' if options.landscape else 'portrait'},"
                                     f"{options.margins_mm:g}")


def make_printer() -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    printer.setPageLayout(saved_page_layout())
    printer.setFullPage(True)  # the pack draws its own margins from the page layout
    return printer


def _pack(model: ServiceModel, printer: QPrinter, lot_id: str | None = None) -> LotPack:
    return LotPack(model, options_from_layout(printer.pageLayout(), lot_id=lot_id))


def _with_progress(parent: QWidget | None, title: str, total: int):
    """A progress callback for paint_pages/write_*; the dialog shows after half a second."""
    dialog = QProgressDialog(title, "Cancel", 0, total, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(500)

    def progress(done: int, total: int) -> bool:
        dialog.setValue(done)
        QApplication.processEvents()
        return not dialog.wasCanceled()
    return dialog, progress


def print_preview(parent: QWidget | None, model: ServiceModel,
                  lot_id: str | None = None) -> QPrintPreviewDialog:
    """Open the print preview of the lot pack (modal); returns the dialog after it closes."""
    printer = make_printer()
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview: {model.title}")
    dialog.paintRequested.connect(lambda p: paint_pages(_pack(model, p, lot_id), p))
    dialog.exec()
    save_page_layout(printer.pageLayout())
    return dialog


def print_pack(parent: QWidget | None, model: ServiceModel, lot_id: str | None = None) -> bool:
    printer = make_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print lot pack")
    if dialog.exec() != QPrintDialog.Accepted:
        return False
    pack = _pack(model, printer, lot_id)
    progress_dialog, progress = _with_progress(parent, "Printing the lot pack",
                                               pack.page_count())
    try:
        return paint_pages(pack, printer, progress)
    except CannotBegin as e:
        if printer.outputFileName():  # Qt's own "print to file": that file cannot be written
            messages.tell(parent, "Cannot print", f"{printer.outputFileName()}: {e}")
        else:  # the driver stopped before page one: its own Save As box was cancelled
            _status(parent, "Printing cancelled: nothing was printed.")
        return False
    except OSError as e:
        messages.tell(parent, "Cannot print", str(e))
        return False
    finally:
        progress_dialog.close()


def _status(parent: QWidget | None, text: str) -> None:
    window = parent.window() if parent is not None else None
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(text, 8000)


def page_setup(parent: QWidget | None) -> QPageLayout | None:
    """Choose paper, orientation and margins for printing and export; None if cancelled."""
    printer = make_printer()
    if QPageSetupDialog(printer, parent).exec() != QPageSetupDialog.Accepted:
        return None
    save_page_layout(printer.pageLayout())
    return printer.pageLayout()


def export_pack(parent: QWidget | None, model: ServiceModel, fmt: str,
                lot_id: str | None = None) -> list[str]:
    """Ask where, then write the pack (or one lot's pages) as PDF, or SVG/PNG pages in a
    folder. Returns the paths written (empty if cancelled or failed)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    settings = QSettings()
    folder = str(start_folder(getattr(getattr(parent, "doc", None), "path", None), FOLDER_KEY))
    try:
        pack = LotPack(model, options_from_layout(saved_page_layout(), lot_id=lot_id))
    except ValueError as e:
        messages.tell(parent, "Cannot export", str(e))
        return []
    # The plan in the name: packs of two options exported side by side must not overwrite.
    lot = pack.plan.lot(lot_id) if lot_id else None
    what = f"{pack.plan.name} lot {lot.code}" if lot else f"{pack.plan.name} lot pack"
    stem = safe_file_stem(f"{model.authority.strip() or model.title} - {what}") or "lot pack"
    if fmt == "pdf":
        target, _ = QFileDialog.getSaveFileName(parent, "Export lot pack as PDF",
                                                str(Path(folder) / f"{stem}.pdf"),
                                                "PDF documents (*.pdf)")
        if not target:
            return []
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        settings.setValue(FOLDER_KEY, str(Path(target).parent))
    else:
        target = QFileDialog.getExistingDirectory(
            parent, f"Folder for the {FORMATS[fmt]} pages (one file per page)", folder)
        if not target:
            return []
        settings.setValue(FOLDER_KEY, target)
    progress_dialog, progress = _with_progress(parent, f"Exporting {FORMATS[fmt]}",
                                               pack.page_count())
    try:
        if fmt == "pdf":
            if write_pdf(pack, target, progress):
                return [target]
            Path(target).unlink(missing_ok=True)  # cancelled: no half-written pack left behind
            return []
        writer = write_svgs if fmt == "svg" else write_pngs
        return [str(p) for p in writer(pack, target, progress=progress)]
    except OSError as e:
        messages.tell(parent, "Cannot export", f"{target}: {e}")
        return []
    finally:
        progress_dialog.close()
