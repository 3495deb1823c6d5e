"""Messages to sellers: the weekly coaching digest (composed per seller, queued once a week)."""
