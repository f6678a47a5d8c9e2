"""Small shared widget helpers: plain-text labels and tooltips, wrapping rows, windows sized to the screen."""
