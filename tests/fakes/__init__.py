"""Fake upstreams (GitHub, Indico) speaking the real wire format over loopback HTTP."""
