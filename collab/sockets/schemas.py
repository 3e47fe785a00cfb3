"""One payload schema per client event: exact types, capped lengths, unknown keys refused."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from collab.domain import cards, diagnosis, grid, hypotheses


def wider(limit: int) -> int:
    """Return a cap twice the domain's limit: over-long input still reaches the domain and its clear message."""
    return 2 * limit


Key = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
Id = Annotated[int, Field(ge=1, le=2**53)]


class Payload(BaseModel):
    """Base of every client payload: strict types, no extra keys."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def no_nul_character(cls, data: Any) -> Any:
        """Refuse a NUL character in any string: PostgreSQL cannot store one, and no text needs it."""
        if _has_nul(data):
            raise ValueError("text must not contain the NUL character")
        return data


def _has_nul(value: Any) -> bool:
    """Tell whether a NUL character is in `value`, its keys or its items.

    A loop, not recursion: a payload nested a few hundred deep must not exhaust the stack.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class Sync(Payload):
    """`sync`: the room to catch up on and the last sequence number the client holds."""

    room_id: Id
    since: Annotated[int, Field(ge=0, le=2**53)] | None = None


class Skill(Payload):
    """An offer's or a need's type, scope and keywords (atelier 3)."""

    type: Key
    scope: Key
    keywords: Annotated[
        list[Annotated[str, Field(max_length=wider(cards.KEYWORD_MAX))]], Field(max_length=wider(cards.KEYWORDS_MAX))
    ] = []


class PostCard(Payload):
    """`post_card`: a card for one column of a board, with the client's own id for retries."""

    client_id: Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    board: Key
    column: Key
    text: Annotated[str, Field(max_length=wider(cards.TEXT_MAX))]
    # On a competences board only.
    skill: Skill | None = None


class CardRef(Payload):
    """`hide_card`, `restore_card`: the card to act on."""

    card_id: Id


class RoomRef(Payload):
    """`reveal_cards`, `close_vote`: the room to act on."""

    room_id: Id


class EditCard(Payload):
    """`edit_card`: the card and its new text."""

    card_id: Id
    text: Annotated[str, Field(max_length=wider(cards.TEXT_MAX))]


class PinCard(Payload):
    """`pin_card`: pin (true) or unpin (false)."""

    card_id: Id
    pinned: bool


class MergeCards(Payload):
    """`merge_cards`: the card that stays, and the duplicates merged into it."""

    card_id: Id
    card_ids: Annotated[list[Id], Field(min_length=1, max_length=20)]


class LockRoom(Payload):
    """`lock_room`: lock (true) or unlock (false)."""

    room_id: Id
    locked: bool


class SetActivity(Payload):
    """`set_activity`: open, pause (read-only) or close the room's activity."""

    room_id: Id
    state: Literal["open", "paused", "closed"]


class SetCardModes(Payload):
    """`set_card_modes`: hold new cards until reveal, and/or until approved; omitted keys stay."""

    room_id: Id
    reveal_mode: bool | None = None
    premoderation: bool | None = None


# The programme and its countdowns (collab/sockets/programme.py).

Seconds = Annotated[int, Field(ge=1, le=3 * 60 * 60)]
Time = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class SetPhase(Payload):
    """`set_phase`: the phase the whole event moves to."""

    phase_id: Id


class StepPhase(Payload):
    """`step_phase`: move the event one phase forward or back."""

    direction: Literal["next", "previous"]


class SetOpenBoards(Payload):
    """`set_open_boards`: every board opened to cards outside its phase (an empty list closes them all)."""

    boards: Annotated[list[Key], Field(max_length=20)]


class SetScreenFollowsVotes(Payload):
    """`set_screen_follows_votes`: whether opening a hypothesis vote switches the screen to it."""

    follows: bool


class SetRoomPhase(Payload):
    """`set_room_phase`: a room's own phase, or null to follow the event again."""

    room_id: Id
    phase_id: Id | None


class SavePhase(Payload):
    """`save_phase`: a new phase (`phase_id` null) or the new values of one."""

    phase_id: Id | None = None
    start: Time
    end: Time
    kind: Literal["accueil", "pleniere", "atelier", "pause", "repas", "fin"]
    # Longer than the domain's limits, so an over-long text gets the domain's clear message.
    title: Annotated[str, Field(max_length=400)]
    description: Annotated[str, Field(max_length=4000)] = ""
    activity: Key | None = None


class PhaseRef(Payload):
    """`delete_phase`: the phase to remove."""

    phase_id: Id


class MovePhase(Payload):
    """`move_phase`: the phase and its new place (0 is first)."""

    phase_id: Id
    position: Annotated[int, Field(ge=0, le=500)]


class AddRoom(Payload):
    """`add_room`: the new room's name."""

    name: Annotated[str, Field(min_length=1, max_length=200)]


class RenameRoom(Payload):
    """`rename_room`: the room and its new name."""

    room_id: Id
    name: Annotated[str, Field(max_length=160)]


class StartTimer(Payload):
    """`start_timer`, `add_time`: a room's countdown (or the event's, `room_id` null) and a duration."""

    room_id: Id | None
    seconds: Seconds


class StopTimer(Payload):
    """`stop_timer`: a room's countdown, or the event's (`room_id` null)."""

    room_id: Id | None


class OpenVote(Payload):
    """`open_vote`: the room and how many dots each participant gets."""

    room_id: Id
    # Wider than the domain's 1–20, so an out-of-range number gets the domain's clear message.
    dots: Annotated[int, Field(ge=0, le=100)]


class SaveSynthesis(Payload):
    """`save_synthesis`: the room and board, chosen card ids in order, and a text per column (its key)."""

    room_id: Id
    board: Key
    items: Annotated[list[Id], Field(max_length=200)]
    # Twice the domain's limit per text, so an over-long text gets the domain's clear message.
    texts: Annotated[dict[Key, Annotated[str, Field(max_length=4000)]], Field(max_length=20)]


class PublishSynthesis(Payload):
    """`publish_synthesis`: the room and the board whose saved synthesis goes to the screen."""

    room_id: Id
    board: Key


class Empty(Payload):
    """`get_event`, `get_syntheses`, `list_links`, `get_moderation_log`, `get_overview`, `get_grid`,
    `publish_grid`, `withdraw_grid`: an empty object."""


class EraseMe(Payload):
    """`erase_me`: the participant's confirmation that they want their contributions erased."""

    confirm: Literal[True]


class LinkRef(Payload):
    """`revoke_link`, `regenerate_link`: the secret link to act on."""

    link_id: Id


class CreateLink(Payload):
    """`create_link`: a new facilitator link (for one room, or every room with `room_id` null) or screen link."""

    role: Literal["facilitator", "screen"]
    room_id: Id | None = None


# Atelier 1: situations and roles (collab/sockets/case_study.py).

Role = Annotated[str, Field(min_length=1, max_length=240)]


class TakeRole(Payload):
    """`take_role`: the protagonist this participant plays, or null for none."""

    role: Role | None


class AssignRole(Payload):
    """`assign_role`: a participant and the protagonist they play, or null for none."""

    participant_id: Id
    role: Role | None


class SetRoomSituation(Payload):
    """`set_room_situation`: the situation a room works, or null for none."""

    room_id: Id
    situation_id: Id | None


class SaveSituation(Payload):
    """`save_situation`: a new situation (`situation_id` null) or the new values of one."""

    situation_id: Id | None = None
    # Longer than the domain's limits, so an over-long text gets the domain's clear message.
    title: Annotated[str, Field(max_length=400)]
    description: Annotated[str, Field(max_length=4000)] = ""
    scales: Annotated[list[Key], Field(max_length=40)] = []
    protagonists: Annotated[list[Role], Field(max_length=40)] = []


class SituationRef(Payload):
    """`delete_situation`, `get_situation_cards`: the situation to act on or read."""

    situation_id: Id


# Atelier 3: competences (collab/sockets/competences.py).


class MatchRef(Payload):
    """`withdraw_match`: an offer–need pair."""

    offer_id: Id
    need_id: Id


class AcceptMatch(Payload):
    """`accept_match`: an offer–need pair, and how the other may reach me once both said yes ("" for no way)."""

    offer_id: Id
    need_id: Id
    contact: Annotated[str, Field(max_length=400)] = ""


# The plenary screen (collab/sockets/screen.py).


class SetScreen(Payload):
    """`set_screen`: the screen's mode and the one value it takes (room_id, board, slide or hypothesis_id)."""

    mode: Literal["welcome", "rooms", "room", "combined", "syntheses", "hypothesis", "competences", "wordcloud"]
    room_id: Id | None = None
    board: Key | None = None
    slide: Annotated[int, Field(ge=0, le=500)] | None = None
    hypothesis_id: Id | None = None


class BoardChoice(Payload):
    """`get_combined_board`, `get_word_cloud`: a board's key, or null (the four questions; the whole day)."""

    board: Key | None = None


# The plenary's hypotheses (collab/sockets/hypotheses.py).


class SaveHypothesis(Payload):
    """`save_hypothesis`: a new hypothesis (`hypothesis_id` null) or the new text and evidence of one."""

    hypothesis_id: Id | None = None
    text: Annotated[str, Field(max_length=wider(hypotheses.TEXT_MAX))]
    evidence: Annotated[list[Id], Field(max_length=wider(hypotheses.EVIDENCE_MAX))] = []


class HypothesisRef(Payload):
    """`delete_hypothesis`, `open_hypothesis`, `close_hypothesis`: the hypothesis to act on."""

    hypothesis_id: Id


class MoveHypothesis(Payload):
    """`move_hypothesis`: the hypothesis and its new place (0 is first)."""

    hypothesis_id: Id
    position: Annotated[int, Field(ge=0, le=500)]


class ConcludeHypothesis(Payload):
    """`conclude_hypothesis`: what the plenary concluded ("" for nothing yet)."""

    hypothesis_id: Id
    conclusion: Annotated[str, Field(max_length=4000)]


class VoteHypothesis(Payload):
    """`vote_hypothesis`: a participant's verdict on the open hypothesis, and why (may be empty)."""

    hypothesis_id: Id
    verdict: Literal["validee", "infirmee", "a_nuancer"]
    reason: Annotated[str, Field(max_length=wider(hypotheses.REASON_MAX))] = ""


class GridPointAnswer(Payload):
    """One point of a self-diagnosis: *oui*, *en partie*, *non* or *à explorer*, and a note."""

    answer: Literal["oui", "en_partie", "non", "a_explorer"]
    note: Annotated[str, Field(max_length=wider(diagnosis.NOTE_MAX))] = ""


class SaveGridAnswers(Payload):
    """`save_grid_answers`: the participant's whole self-diagnosis, answers keyed by point id (a string)."""

    situation: Annotated[str, Field(max_length=wider(diagnosis.SITUATION_MAX))] = ""
    answers: Annotated[
        dict[Annotated[str, Field(pattern=r"^[1-9][0-9]{0,15}$")], GridPointAnswer],
        Field(max_length=wider(diagnosis.ANSWERS_MAX)),
    ] = {}


class SaveGridPoint(Payload):
    """`save_grid_point`: a new point (`point_id` null) under `question`, drawn from `cards`; or a point's new text."""

    point_id: Id | None = None
    question: Key | None = None
    text: Annotated[str, Field(max_length=wider(grid.TEXT_MAX))]
    cards: Annotated[list[Id], Field(max_length=wider(grid.CARDS_MAX))] = []

    @model_validator(mode="after")
    def question_of_a_new_point(self) -> SaveGridPoint:
        """A new point names its question; an edited point keeps its question and its cards."""
        if self.point_id is None and self.question is None:
            raise ValueError("a new point names its question")
        if self.point_id is not None and (self.question is not None or self.cards):
            raise ValueError("an edit changes the text only")
        return self


class GridPointRef(Payload):
    """`delete_grid_point`: the point to act on."""

    point_id: Id


class MergeGridPoints(Payload):
    """`merge_grid_points`: the point kept, the one merged into it, and the merged point's text."""

    point_id: Id
    other_id: Id
    text: Annotated[str, Field(max_length=wider(grid.TEXT_MAX))]


class MoveGridPoint(Payload):
    """`move_grid_point`: the point and its new place among its question's points (0 is first)."""

    point_id: Id
    position: Annotated[int, Field(ge=0, le=grid.POINTS_MAX)]


# The event itself, edited by the organiser (collab/sockets/editing.py). Each is wider than the
# domain's limits, so an over-long text or a malformed key gets the domain's clear message.


class SaveEventDetails(Payload):
    """`save_event_details`: the event's title, date, place, welcome text, contact, retention and erase policy."""

    title: Annotated[str, Field(max_length=400)]
    starts_on: Annotated[str, Field(max_length=20)] | None = None
    place: Annotated[str, Field(max_length=400)] = ""
    welcome: Annotated[str, Field(max_length=4000)] = ""
    contact: Annotated[str, Field(max_length=400)] = ""
    retention_days: Annotated[int, Field(ge=-(10**6), le=10**6)] | None = None
    erase_policy: Annotated[str, Field(max_length=40)] = "withdrawn"


class ScaleItem(Payload):
    """One territorial scale: the key of one kept (null for a new one) and its label."""

    key: Key | None = None
    label: Annotated[str, Field(max_length=160)]


class SaveScales(Payload):
    """`save_scales`: the event's whole ordered list of scales."""

    scales: Annotated[list[ScaleItem], Field(max_length=40)]


class ColumnItem(Payload):
    """One column of a board: its key, its label and the hint the phone shows under it."""

    key: Annotated[str, Field(max_length=80)]
    label: Annotated[str, Field(max_length=160)]
    hint: Annotated[str, Field(max_length=600)] = ""


class SaveBoard(Payload):
    """`save_board`: a board, new (a key the event does not have) or changed, with its columns in order."""

    key: Annotated[str, Field(max_length=80)]
    title: Annotated[str, Field(max_length=400)]
    kind: Annotated[str, Field(max_length=40)]
    columns: Annotated[list[ColumnItem], Field(max_length=24)]


class BoardRef(Payload):
    """`delete_board`: the board to remove."""

    key: Key
