"""The app's dialogs: the first-run welcome, the settings, and making safe copies."""
