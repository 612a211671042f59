"""Members who asked to be forgotten. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class PrivacyOptOut(SQLModel, table=True):
    """A member who asked to be forgotten: their reactions are ignored until they opt in
    again. Only a keyed hash of the member is kept, so no table holds their id."""

    __tablename__ = "privacy_opt_out"
    __table_args__ = (UniqueConstraint("guild_id", "member_key", name="uq_privacy_opt_out"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    member_key: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
