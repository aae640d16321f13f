"""Exams and what is made from them: exam files, QTI packages, sanitising, scoring, results, slips."""
