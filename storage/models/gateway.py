"""Who holds the gateway: one lease per shard, so that several processes sharing one
PostgreSQL database (a standby, or the processes of a sharded deployment) never hold
the same shard's gateway at once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class GatewayLease(SQLModel, table=True):
    """The process holding shard `shard_id`'s gateway, until `expires_at` unless renewed."""

    __tablename__ = "gateway_lease"

    shard_id: int = Field(primary_key=True)
    shard_count: int = 1
    holder: str = Field(max_length=64)  # host, process id and a random part
    acquired_at: datetime = Field(sa_type=UTCDateTime)
    renewed_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
