"""Socket.IO handlers, one module per role; importing this package registers them all."""

from collab.sockets import connection, facilitator, organiser, participant  # noqa: F401
