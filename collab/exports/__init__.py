"""After the seminar: the day's record, and the files made from it (report, grid, CSV, JSON archive)."""
