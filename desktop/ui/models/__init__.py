"""Qt item models over the store, loaded lazily (GUI thread; their SQL runs on the loop via ``agents``)."""
