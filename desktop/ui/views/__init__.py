"""One module per main-window view; each takes the companion and the signal hub."""
