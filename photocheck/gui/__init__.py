"""The desktop app (PySide6): models, views and workers over photocheck.core."""
