"""Printed lot diagrams and the lot pack (issue 5).

diagram.py paints the model onto any QPainter; layout.py and pack.py build and paint the pages;
actions.py holds what the main window's menu calls; headless.py backs `main.py export`.
"""
