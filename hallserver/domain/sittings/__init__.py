"""Sittings: the unit of exam day (scheduled, checked in, started and ended by the invigilator)."""
