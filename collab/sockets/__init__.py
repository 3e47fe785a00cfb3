"""Socket.IO handlers, one module per role or concern; importing this package registers them all."""

from collab.sockets import connection, facilitator, participant, programme, syntheses, votes  # noqa: F401
