"""Kind icons (SVG from resources/icons), loaded once and shared by the canvas and the docks."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon
from PySide6.QtSvg import QSvgRenderer

from models.catalogue import KINDS
from resources import resource_path


def icon_path(kind_id: str) -> str:
    return str(resource_path("icons", KINDS[kind_id].icon + ".svg"))


@lru_cache(maxsize=None)
def kind_icon(kind_id: str) -> QIcon:
    return QIcon(icon_path(kind_id))


@lru_cache(maxsize=None)
def kind_renderer(kind_id: str) -> QSvgRenderer:
    return QSvgRenderer(icon_path(kind_id))
