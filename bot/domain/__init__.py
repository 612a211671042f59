"""Pure rules of the cooperative's cycle: no Discord, no storage."""
