"""alesco/domain: the pure derivations, table-driven, one case per rule and real case."""
