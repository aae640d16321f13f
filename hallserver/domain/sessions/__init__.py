"""A candidate's session: start, saves merged into it, the cached live state, question order."""
