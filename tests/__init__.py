"""Tests of alesco-api. Folders mirror the code's (`upstream/` tests `alesco/upstream/`...);
`faults/`, `fuzz/`, `attacks/` and `browser/` test the running whole; `fakes/` are the upstreams."""
