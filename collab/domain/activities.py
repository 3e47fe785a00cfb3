"""Running a room's activity: open, pause or close it, lock it, and choose how new cards appear."""

from __future__ import annotations

from collab.domain.access import Principal, staff_room
from collab.domain.audit import record_action
from collab.domain.competences import touches_competences
from collab.domain.errors import Invalid
from collab.domain.moderation import reveal_held
from collab.domain.outcome import Outcome
from collab.domain.rooms import ACTIVITY_STATES, record_room_changed, room_state
from collab.store.database import db


def lock_room(principal: Principal, room_id: int, locked: bool) -> Outcome:
    """Lock a room (nobody posts) or unlock it.

    The lock takes the room's row like a post does, so a post racing it is committed before
    it or refused after it, never committed once the lock is acknowledged.
    """
    return _change_room(principal, room_id, "room_locked" if locked else "room_unlocked", locked=locked)


def set_activity(principal: Principal, room_id: int, state: str) -> Outcome:
    """Open the room's activity, pause it (read-only) or close it."""
    if state not in ACTIVITY_STATES:
        raise Invalid(f"an activity is {', '.join(ACTIVITY_STATES)}", field="state")
    return _change_room(principal, room_id, f"activity_{state}", activity_state=state)


def set_card_modes(
    principal: Principal, room_id: int, reveal_mode: bool | None = None, premoderation: bool | None = None
) -> Outcome:
    """Choose how new cards appear: held until reveal, waiting for approval, or at once.

    Leaving reveal mode reveals the cards it held.
    """
    changes = {k: v for k, v in {"reveal_mode": reveal_mode, "premoderation": premoderation}.items() if v is not None}
    if not changes:
        raise Invalid("say reveal_mode, premoderation or both")
    return _change_room(principal, room_id, "card_modes_set", **changes)


def _change_room(principal: Principal, room_id: int, action: str, **values: object) -> Outcome:
    """Set room fields, record `room_changed` (and what follows from it), log the action."""
    with db.transaction() as session:
        room = staff_room(session, principal, room_id)
        if all(getattr(room, key) == value for key, value in values.items()):
            return Outcome(reply={"seq": None, "state": room_state(room)})
        for key, value in values.items():
            setattr(room, key, value)
        # Writing the room takes its row, as a post does: a racing post commits before or is refused.
        changes = [record_room_changed(session, room)]
        if values.get("reveal_mode") is False:
            changes += reveal_held(session, room_id)
        record_action(session, principal, room_id, action, None, **values)
        return Outcome(
            reply={"seq": changes[0]["payload"]["seq"], "state": room_state(room)},
            changes=changes,
            competences=touches_competences(session, principal.event_id, changes),
        )
