"""Exports and feeds of a story's events: TimelineJS, CSV, JSON, iCalendar and Atom."""
