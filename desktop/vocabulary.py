"""The statuses an article and a mention can have, written once.

Plain strings, stable in the database and in the exports.  This module imports nothing, so the
command line can build its parser from it without loading the data model (cold start); the
model (:mod:`desktop.models`), the export filters and the window read the same tuples.  The
language names have their home in the language packs
(:func:`desktop.language.packs.article_languages`).
"""

#: an article's curation status, in the order work moves through them
ARTICLE_STATUSES = ("new", "in_progress", "done")
#: a mention's status
MENTION_STATUSES = ("suggested", "confirmed", "rejected")
#: the mentions an export can take: one status (confirmed, the default, first) or all of them
EXPORT_STATUSES = ("confirmed", "suggested", "rejected", "all")
