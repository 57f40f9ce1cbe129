"""What the admin's editable event list posts, for tests that save through it."""

from __future__ import annotations


def editable_list_data(events) -> dict[str, str]:
    """The changelist formset data for `events` as currently loaded (row 0 first)."""
    events = list(events)
    data = {
        "form-TOTAL_FORMS": str(len(events)),
        "form-INITIAL_FORMS": str(len(events)),
        "_save": "Save",
    }
    for i, event in enumerate(events):
        data |= {
            f"form-{i}-id": str(event.pk),
            f"form-{i}-date": event.date.isoformat(),
            f"form-{i}-precision": event.precision,
            f"form-{i}-status": event.status,
            f"form-{i}-version": str(event.version),
        }
    return data
