"""Upstream formats: what GitHub, Indico, iCalendar feeds, the wiki and the roster send,
parsed into frozen records, or rejected with a reason.

Pure: no database, no network, no clock (`now` is passed in). May import the foundations
(`alesco.settings`, `alesco.errors`, `alesco.timestamps`...) and this folder only. A new
upstream format goes here.
"""
