"""`make bench`: scenarios timed on the large demo data set (not collected by pytest)."""
