"""The one way out to clients: scopes, batched room changes, relays between workers, and tallies.

It never reads the database: what to send comes from the domain's outcomes (or, between workers,
from the domain's record of a room's changes).
"""
