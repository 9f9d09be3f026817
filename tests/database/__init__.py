"""alesco/database: the migrations build the schema the models describe, on both backends."""
