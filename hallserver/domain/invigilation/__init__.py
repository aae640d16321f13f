"""Running the room: invigilator actions, alerts, the roster, the live feed, pauses, reports."""
