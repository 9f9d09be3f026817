"""Each sync and the worker against fake upstreams over HTTP and real databases."""
