"""The timer process: `python -m jobs` runs the schedule loop, `python -m jobs run NAME` one job once."""
