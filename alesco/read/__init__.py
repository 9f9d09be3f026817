"""The read side: the in-memory read model an API process serves from, the queries over it
(filters, sort orders, keyset cursors) and the service status.

May import every other folder of `alesco`; never the HTTP layer.
"""
