"""The canvas: the model drawn as boxes and arrows (scene), its view and a minimap."""

from .items import GRID, Z_COMPONENT, Z_LOT, Z_PATHWAY, ComponentItem, PathwayItem
from .minimap import Minimap
from .scene import ModelScene
from .view import CanvasView

__all__ = ["GRID", "Z_COMPONENT", "Z_LOT", "Z_PATHWAY", "CanvasView", "ComponentItem",
           "Minimap", "ModelScene", "PathwayItem"]
