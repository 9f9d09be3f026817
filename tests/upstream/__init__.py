"""alesco/upstream: parsers against the real ALESCo files and the formats' edge cases."""
