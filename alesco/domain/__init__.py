"""The domain: what the committee's records mean, derived by pure functions (a proposal's
kind and stage, supersession, meetings joined with minutes, members and attendance).

Pure: no database, no network, no clock. May import the foundations and `alesco.upstream`.
A new derived field goes here.
"""
