"""Upstream faults, killed ingests and load during writes against a small real deployment."""
