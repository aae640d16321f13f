"""The exam hall's domain: exams, candidates, exam sessions, scoring, the events log.

Plain functions over a SQLAlchemy connection and plain values. They raise `hallserver.errors`
and know nothing of HTTP. Writes run as jobs on the one write path (`hallserver.db.writer`).
"""
