"""The programme and its countdowns: the organiser drives the day, facilitators their rooms.

Event-wide changes reach every socket of the event as `event_changed` (the whole state);
a room's phase and timer reach the room as a numbered `room_changed`.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from collab.addresses import link_url
from collab.domain import closing, programme
from collab.domain.access import Principal
from collab.realtime.publishing import publish
from collab.sockets.edge import client_event, done
from collab.sockets.schemas import (
    AddRoom,
    Empty,
    MovePhase,
    PhaseRef,
    RenameRoom,
    SavePhase,
    SetOpenBoards,
    SetPhase,
    SetRoomPhase,
    SetScreenFollowsVotes,
    StartTimer,
    StepPhase,
    StopTimer,
)

EVERY_ROLE = ("participant", "facilitator", "screen", "organiser")
STAFF = ("facilitator", "organiser")
ORGANISER = ("organiser",)


@client_event("get_event", Empty, roles=EVERY_ROLE, writes=False)
def on_get_event(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by every client after each (re)connect; acknowledged with the event's live state."""
    return done(programme.get_event(principal))


@client_event("set_phase", SetPhase, roles=ORGANISER)
def on_set_phase(principal: Principal, payload: SetPhase) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `event_changed` to every socket of the event."""
    outcome = programme.set_phase(principal, payload.phase_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("step_phase", StepPhase, roles=ORGANISER)
def on_step_phase(principal: Principal, payload: StepPhase) -> dict[str, Any]:
    """Sent by the organiser ("Phase suivante" / "Phase précédente"); broadcast as `event_changed`."""
    outcome = programme.step_phase(principal, payload.direction)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("set_open_boards", SetOpenBoards, roles=ORGANISER)
def on_set_open_boards(principal: Principal, payload: SetOpenBoards) -> dict[str, Any]:
    """Sent by the organiser ("Ouvert aux cartes en dehors de sa phase"); broadcast as `event_changed`."""
    outcome = programme.set_open_boards(principal, list(payload.boards))
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("set_screen_follows_votes", SetScreenFollowsVotes, roles=ORGANISER)
def on_set_screen_follows_votes(principal: Principal, payload: SetScreenFollowsVotes) -> dict[str, Any]:
    """Sent by the organiser's hypotheses panel; broadcast as `event_changed`."""
    outcome = programme.set_screen_follows_votes(principal, payload.follows)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("set_room_phase", SetRoomPhase, roles=STAFF)
def on_set_room_phase(principal: Principal, payload: SetRoomPhase) -> dict[str, Any]:
    """Sent by a room's facilitator or the organiser; broadcast as `room_changed` to the room."""
    outcome = programme.set_room_phase(principal, payload.room_id, payload.phase_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("save_phase", SavePhase, roles=ORGANISER)
def on_save_phase(principal: Principal, payload: SavePhase) -> dict[str, Any]:
    """Sent by the organiser to add or edit a phase; broadcast as `event_changed`."""
    values = payload.model_dump(exclude={"phase_id"})
    outcome = programme.save_phase(principal, payload.phase_id, values)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("delete_phase", PhaseRef, roles=ORGANISER)
def on_delete_phase(principal: Principal, payload: PhaseRef) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `event_changed` (and `room_changed` for rooms that were on it)."""
    outcome = programme.delete_phase(principal, payload.phase_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("move_phase", MovePhase, roles=ORGANISER)
def on_move_phase(principal: Principal, payload: MovePhase) -> dict[str, Any]:
    """Sent by the organiser to reorder the programme; broadcast as `event_changed`."""
    outcome = programme.move_phase(principal, payload.phase_id, payload.position)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("rename_room", RenameRoom, roles=ORGANISER)
def on_rename_room(principal: Principal, payload: RenameRoom) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `event_changed` (rooms carry their names)."""
    outcome = programme.rename_room(principal, payload.room_id, payload.name)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("add_room", AddRoom, roles=ORGANISER)
def on_add_room(principal: Principal, payload: AddRoom) -> dict[str, Any]:
    """Sent by the organiser; broadcast as `event_changed`; the ack carries the room's facilitator link."""
    outcome = programme.add_room(principal, payload.name, current_app.config["SECRET_KEY"])
    room = outcome.reply.pop("room")
    outcome.reply["room"] = {
        "id": room["id"],
        "name": room["name"],
        "facilitator_url": link_url("facilitator", room["facilitator_token"]),
    }
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("start_timer", StartTimer, roles=STAFF)
def on_start_timer(principal: Principal, payload: StartTimer) -> dict[str, Any]:
    """Sent by room staff (a room) or the organiser (the event); `room_changed` or `event_changed`."""
    outcome = programme.start_timer(principal, payload.room_id, payload.seconds)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("add_time", StartTimer, roles=STAFF)
def on_add_time(principal: Principal, payload: StartTimer) -> dict[str, Any]:
    """Sent by room staff or the organiser to lengthen a countdown; broadcast like `start_timer`."""
    outcome = programme.add_time(principal, payload.room_id, payload.seconds)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("stop_timer", StopTimer, roles=STAFF)
def on_stop_timer(principal: Principal, payload: StopTimer) -> dict[str, Any]:
    """Sent by room staff or the organiser; broadcast like `start_timer` (its timer is then null)."""
    outcome = programme.stop_timer(principal, payload.room_id)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("close_event", Empty, roles=ORGANISER)
def on_close_event(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by the organiser when the seminar is over; broadcast as `event_changed` (`closed: true`).

    From then on every writing event of the event is refused with `closed`; pages, sync and exports stay.
    """
    outcome = closing.close_event(principal)
    publish(principal.event_id, outcome)
    return done(outcome.reply)


@client_event("reopen_event", Empty, roles=ORGANISER, while_closed=True)
def on_reopen_event(principal: Principal, payload: Empty) -> dict[str, Any]:
    """Sent by the organiser to open a closed event again; broadcast as `event_changed` (`closed: false`)."""
    outcome = closing.reopen_event(principal)
    publish(principal.event_id, outcome)
    return done(outcome.reply)
