"""A minimap: the whole scene small in a corner of the canvas, with the visible part outlined.
Click or drag in it to move the main view there."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFrame, QGraphicsView

from .items import ComponentItem

SIZE = (220, 150)


class Minimap(QGraphicsView):
    def __init__(self, main_view: QGraphicsView):
        super().__init__(main_view.scene(), main_view)
        self.main_view = main_view
        self.wanted = False  # View > Minimap is checked
        self.setFixedSize(*SIZE)
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet("background: rgba(255, 255, 255, 220); border: 1px solid #999;")
        self.setAccessibleName("Minimap")
        self.setToolTip("The whole model; click or drag to move the canvas there.")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        for bar in (main_view.horizontalScrollBar(), main_view.verticalScrollBar()):
            bar.valueChanged.connect(self.viewport().update)
            bar.valueChanged.connect(self.schedule_place)
        # The overview is drawn once into a picture and redrawn when the model changes, not
        # on every change of the scene: a hover or a drag step changes the scene, and painting
        # 10,000 boxes again each time stalled a drag for most of a second.
        self._picture: QPixmap | None = None
        self._refit_timer = QTimer(self, singleShot=True, interval=200)
        self._refit_timer.timeout.connect(self.refit)
        self._refit_timer.timeout.connect(self.place)  # the model moved: maybe another corner
        self._place_timer = QTimer(self, singleShot=True, interval=100)
        self._place_timer.timeout.connect(self.place)
        doc = getattr(main_view.scene(), "doc", None)
        if doc is None:
            main_view.scene().changed.connect(self._refit_timer.start)
        else:
            for signal in (doc.componentAdded, doc.componentRemoved, doc.componentChanged,
                           doc.pathwayAdded, doc.pathwayRemoved, doc.pathwayChanged,
                           doc.lotsChanged, doc.modelReset):
                signal.connect(self._refit_timer.start)
        self.refit()

    def refit(self) -> None:
        rect = self.scene().itemsBoundingRect().adjusted(-40, -40, 40, 40)
        if not rect.isEmpty():
            # Its own scene rectangle: the whole model, never clipped to a stale one.
            self.setSceneRect(rect)
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._picture = None
        self.viewport().update()

    def schedule_place(self) -> None:
        self._place_timer.start()

    def paintEvent(self, event) -> None:
        port = self.viewport()
        if self._picture is None or self._picture.size() != port.size():
            self._picture = QPixmap(port.size())
            self._picture.fill(QColor("#fbfbfa"))
            painter = QPainter(self._picture)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.scene().render(painter, QRectF(self._picture.rect()),
                                self.mapToScene(port.rect()).boundingRect(),
                                Qt.AspectRatioMode.IgnoreAspectRatio)
            painter.end()
        painter = QPainter(port)
        painter.drawPixmap(0, 0, self._picture)
        painter.setTransform(self.viewportTransform())
        self.drawForeground(painter, QRectF())
        painter.end()

    def set_wanted(self, on: bool) -> None:
        """View > Minimap: shown when asked for and part of the model is out of view."""
        self.wanted = on
        self.place()

    def place(self) -> None:
        """Keep to the corner of the main view's viewport that hides the fewest boxes (the
        bottom-right one when they tie), and out of the way entirely while the whole model is
        in view: then an overview only covers the model it would show."""
        view = self.main_view
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        needed = not shown.contains(view.scene().itemsBoundingRect())
        if not (self.wanted and needed):
            self.hide()
            return
        if self.isHidden():
            self.refit()  # the picture may be of the model as it was when last shown
            self.show()
        port = self.main_view.viewport().geometry()
        left, top = port.left() + 8, port.top() + 8
        right, bottom = port.right() - self.width() - 8, port.bottom() - self.height() - 8
        corners = [(right, bottom), (left, bottom), (right, top), (left, top)]
        self.move(*min(corners, key=self._boxes_under))

    def _boxes_under(self, corner: tuple[int, int]) -> int:
        view = self.main_view
        at = view.viewport().mapFrom(view, QPoint(*corner))
        area = view.mapToScene(QRect(at, self.size())).boundingRect()
        return sum(isinstance(item, ComponentItem) for item in view.scene().items(area))

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        visible = self.main_view.mapToScene(self.main_view.viewport().rect()).boundingRect()
        pen = QPen(QColor("#1a5fb4"), 2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QColor(26, 95, 180, 30))
        painter.drawRect(visible)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, QColor("#fbfbfa"))

    def _jump(self, event) -> None:
        self.main_view.auto_fit = False
        self.main_view.centerOn(self.mapToScene(event.position().toPoint()))

    def mousePressEvent(self, event) -> None:
        self._jump(event)

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event)
