"""The parts the main window is made of: the folder list, the summary band and the
results (the detail panel is gui/detail.py)."""
