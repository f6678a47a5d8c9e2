"""`main.py export`: the lot pack as PDF, SVG or PNG files, with no display needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from models.schema import ServiceModel


def ensure_gui_application():
    """A QGuiApplication for fonts and painting; offscreen when there is no display."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(sys.argv[:1])


def _folder(path: str, option: str) -> Path:
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{option} {path}: is a file; give a folder for the page files")
    if not folder.parent.is_dir():
        raise ValueError(f"{option} {path}: the folder {folder.parent} does not exist")
    folder.mkdir(exist_ok=True)
    return folder


def export_pack(model: ServiceModel, *, pdf: str | None = None, svg: str | None = None,
                png: str | None = None, geometry: str | None = None,
                plan: str | None = None, paper: str = "A4",
                landscape: bool = True, lot: str | None = None,
                scale: float | None = None) -> list[str]:
    """Write the requested outputs; returns one line per output for the terminal. Raises
    ValueError (bad option or path) or OSError (cannot write) with a one-line message."""
    if pdf is not None:
        target = Path(pdf)
        if target.is_dir():
            raise ValueError(f"--pdf {pdf}: is a folder; give a file name such as pack.pdf")
        if not target.parent.is_dir():
            raise ValueError(f"--pdf {pdf}: the folder {target.parent} does not exist")
    if geometry is not None and (Path(geometry).is_dir() or not Path(geometry).parent.is_dir()):
        raise ValueError(f"--geometry {geometry}: give a file name in a folder that exists, "
                         "such as diagram.json")
    if scale is not None and not 10 <= scale <= 400:
        raise ValueError(f"--scale {scale:g}: give a percentage from 10 to 400")
    folders = {name: _folder(path, f"--{name}") for name, path in (("svg", svg), ("png", png))
               if path is not None}

    ensure_gui_application()
    from .pack import LotPack, PackOptions, write_pdf, write_pngs, write_svgs

    pack = LotPack(model, PackOptions(plan_id=plan, paper=paper, landscape=landscape,
                                      lot_id=lot, scale_percent=scale))
    done = []
    pages = f"{pack.page_count()} page{'s' if pack.page_count() != 1 else ''}"
    if pdf is not None:
        write_pdf(pack, pdf)
        done.append(f"wrote {pdf} ({pages})")
    if "svg" in folders:
        write_svgs(pack, folders["svg"])
        done.append(f"wrote {pages} as SVG in {folders['svg']}")
    if "png" in folders:
        write_pngs(pack, folders["png"])
        done.append(f"wrote {pages} as PNG in {folders['png']}")
    if geometry is not None:
        from .geometry import write_geometry

        write_geometry(pack, geometry)
        done.append(f"wrote the diagrams' geometry to {geometry}")
    return done
