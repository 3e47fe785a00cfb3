"""Socket.IO handlers, one module per role or concern; importing this package registers them all.

`participant_joined` is the one broadcast the web layer asks for (a participant joined by the form).
"""

from collab.sockets import (  # noqa: F401
    case_study,
    competences,
    connection,
    diagnosis,
    editing,
    facilitator,
    grid,
    hypotheses,
    organiser,
    participant,
    programme,
    screen,
    syntheses,
    votes,
)
from collab.sockets.announcements import participant_joined

__all__ = ["participant_joined"]
