"""api/edge: server limits, the quick path, deciding headers and cached wire answers."""
