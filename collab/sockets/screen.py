"""The plenary screen: the organiser chooses what it shows; screens read the combined board and the word cloud."""

from __future__ import annotations

from typing import Any

from collab.domain import combined, screen, wordcloud
from collab.domain.access import Principal
from collab.realtime.publishing import broadcast
from collab.realtime.scopes import event_scope
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import BoardChoice, Empty, SetScreen

ORGANISER = ("organiser",)
READERS = ("screen", "facilitator", "organiser")


@client_event("set_screen", SetScreen, roles=ORGANISER, while_closed=True)
def on_set_screen(principal: Principal, payload: SetScreen) -> dict[str, Any]:
    """Sent by the organiser's console; broadcast as `screen_changed` to the event's screens and consoles.

    Also once the seminar is closed: presenting what was said is reading it.
    """
    shown = screen.set_screen(principal, payload.model_dump())
    broadcast(event_scope(principal.event_id), "screen_changed", {"screen": shown})
    return done({"screen": shown})


@client_event("get_screen", Empty, roles=READERS, writes=False)
def on_get_screen(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by a screen or a console after each (re)connect; acknowledged with what the screen shows."""
    return done({"screen": screen.get_screen(principal)})


@client_event("get_combined_board", BoardChoice, roles=READERS, writes=False)
def on_get_combined_board(principal: Principal, payload: BoardChoice) -> dict[str, Any]:
    """Sent by the screen in the combined mode; acknowledged with the board's columns of grouped cards."""
    return done(combined.combined_board(principal, payload.board))


@client_event("get_word_cloud", BoardChoice, roles=READERS, writes=False)
def on_get_word_cloud(principal: Principal, payload: BoardChoice) -> dict[str, Any]:
    """Sent by the screen in the word cloud mode; acknowledged with the most used words, most used first."""
    return done(wordcloud.word_cloud(principal, payload.board))
