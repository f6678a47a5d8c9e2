"""The docks around the canvas: palette, properties, checks, tables, lots, demand and capacity, history."""
