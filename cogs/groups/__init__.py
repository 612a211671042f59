"""Working groups: `/groups` for organisers (propose, move, publish, status) and `/group`
for everyone (roles, info, invite, invitations). One feature, split as python-discord
splits its extensions: `_base` (shared look-ups and choices), `_compose` and `_members`.

The rules of composition live in bot/groups/rules.py, the Discord objects in
bot/groups/objects.py and what the messages look like in bot/groups/posts.py; consent to
groups (invitations) in bot/groups/consent.py and bot/groups/invitations.py.
"""

from __future__ import annotations

from bot.app import SipBot
from cogs.groups._compose import GroupsCog
from cogs.groups._members import GroupCog


async def setup(bot: SipBot) -> None:
    await bot.add_cog(GroupsCog(bot))
    await bot.add_cog(GroupCog(bot))
