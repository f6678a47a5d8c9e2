"""The outline of a component's box as a painter path: one shape per kind, drawn by the canvas
and by the printed diagram alike (sizes in models/geometry.py)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from models.catalogue import KINDS, Kind
from models.geometry import BOX_H, BOX_W, ROUTE_NOTCH, SERVICE_CORNER


def component_shape(kind: Kind, box: QRectF) -> QPainterPath:
    """Services are rounded boxes, referral routes a tab notched on the left (people arrive),
    exits a pill."""
    path = QPainterPath()
    if kind.is_route:
        path.addPolygon(QPolygonF([box.topLeft(), box.topRight(), box.bottomRight(),
                                   box.bottomLeft(), QPointF(box.left() + ROUTE_NOTCH,
                                                             box.center().y())]))
        path.closeSubpath()
    elif kind.is_exit:
        path.addRoundedRect(box, box.height() / 2, box.height() / 2)
    else:
        path.addRoundedRect(box, SERVICE_CORNER, SERVICE_CORNER)
    return path


def centred_outline(kind: Kind) -> QPainterPath:
    """The kind's outline around (0, 0): what a canvas item, whose pos() is its centre,
    draws. One path per kind, shared by all its boxes (QPainterPath is copy-on-write)."""
    return _centred(kind.id)


@lru_cache(maxsize=None)
def _centred(kind_id: str) -> QPainterPath:
    return component_shape(KINDS[kind_id], centred_box())


def centred_box() -> QRectF:
    return QRectF(-BOX_W / 2, -BOX_H / 2, BOX_W, BOX_H)
