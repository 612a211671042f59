"""Who holds the gateway: one lease per shard, so that several processes sharing one
PostgreSQL database (a standby, or the processes of a sharded deployment) never hold
the same shard's gateway at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class GatewayLease(Base):
    """The process holding shard `shard_id`'s gateway, until `expires_at` unless renewed."""

    __tablename__ = "gateway_lease"

    shard_id: Mapped[int] = mapped_column(primary_key=True)
    shard_count: Mapped[int] = mapped_column(default=1)
    holder: Mapped[str] = mapped_column(String(64))  # host, process id and a random part
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
