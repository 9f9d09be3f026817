"""alesco/storage against real databases: round trips and replacement."""
