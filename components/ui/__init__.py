"""The one of each the pages share: md() for user text, the type label, the flash message, the empty state, the KPI
tile, the display formats and the blocks two roles' pages are made of."""
