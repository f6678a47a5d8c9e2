"""The one geometry of a component's box, shared by the canvas, the printed diagram and the
benchmarks, so a box looks the same on screen and on paper.

Positions in the model are box centres in these units (points on paper at 100%; the automatic
layout's columns are models.layout.COLUMN_SPACING apart). Outlines, by kind: services are
rounded boxes, referral routes a tab notched on the left (people arrive through them), exits
a pill. designer/shapes.py turns these numbers into the painter path both views draw.
"""

BOX_W, BOX_H = 212.0, 72.0
SERVICE_CORNER = 9.0  # corner radius of a service's box
ROUTE_NOTCH = 16.0  # how deep a referral route's left-hand notch cuts in
