"""What the tests and the benchmarks share: a real server, a crowd of phones, a day's data."""
