"""The PySide6 window: a thin shell, its pages, dialogs, table models and background tasks."""
