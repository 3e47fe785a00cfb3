"""HTTP tests with Flask's test client: pages, exports, admin, commands, operations."""
