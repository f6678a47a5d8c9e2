"""The Qt layer of Service Model Designer (PySide6). It observes models/; it owns no facts."""
