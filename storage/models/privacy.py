"""Members who asked to be forgotten. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class PrivacyOptOut(Base):
    """A member who asked to be forgotten: their reactions are ignored until they opt in
    again. Only a keyed hash of the member is kept, so no table holds their id."""

    __tablename__ = "privacy_opt_out"
    __table_args__ = (UniqueConstraint("guild_id", "member_key", name="uq_privacy_opt_out"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
