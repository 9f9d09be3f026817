"""Attacks on a real `alesco serve` over loopback sockets, as an anonymous stranger would
make them, while another client measures its own latency (see conftest.py, harness.py)."""
