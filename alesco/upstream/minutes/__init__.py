"""Meeting minutes (Markdown from the wiki), read: `parse` (attendees, decisions as text,
date, links; built on `blocks`), `decisions` (decisions as data: verdict, tally, votes),
`links` (pull request links and RFC numbers as people write them).

Pure, like all of `alesco.upstream`: may import the foundations and `alesco.upstream`.
"""
