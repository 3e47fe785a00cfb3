"""collab's tests, one folder per layer: domain, sockets, http, browser, live (real server processes)."""
