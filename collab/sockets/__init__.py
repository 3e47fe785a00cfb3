"""Socket.IO handlers, one module per role or concern; importing this package registers them all."""

from collab.sockets import (  # noqa: F401
    case_study,
    competences,
    connection,
    editing,
    facilitator,
    hypotheses,
    organiser,
    participant,
    programme,
    screen,
    syntheses,
    votes,
)
