"""The Qt desktop UI: the only package that imports PySide6.

``app.run_gui`` starts a QApplication on a qasync loop around a
``desktop.companion.Companion``; ``signals`` turns the core's events into Qt
signals; ``status`` keeps what the tray and the status bar show; ``views``
holds one module per tab; ``operations`` runs the core's coroutines from
slots (success and failure callbacks, failures shown to the user).
"""
