"""Central accounts: admins plan and publish, readers see results and exports.

Passwords are slow hashes (the kernel's scrypt, as the hall's staff passwords); a login is a
random token in an HttpOnly cookie, stored here only as its SHA-256. Wrong passwords are
throttled per name and per address; a right one is never refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from examkit.passwords import hash_secret, verify_secret
from examkit.throttle import LoginThrottle
from syncd.central.models import account_logins, accounts
from syncd.central.store import Store
from syncd.errors import Conflict, Invalid, SlowDown, WrongCredentials

ADMIN, READER = "admin", "reader"
ROLES = (ADMIN, READER)
MIN_PASSWORD = 8
PASSWORD_LOG2_COST = 14          # as the hall's default for staff passwords
FAILURES_PER_NAME, FAILURES_PER_ADDRESS, REFILL_SECONDS = 5, 30, 60.0


@dataclass(frozen=True)
class Principal:
    """Who is asking: an account (by cookie) or a script (by a token), and its role."""

    name: str
    role: str
    token_hash: bytes = b""

    def may(self, role: str) -> bool:
        """An admin may do all a reader may; a reader only read."""
        return self.role == ADMIN or self.role == role


def _slow_down(kind: str, wait: int) -> SlowDown:
    who = "this address" if kind == "address" else "this account"
    return SlowDown(f"Too many wrong passwords for {who}. Wait {wait} seconds, then try again.",
                    retry_after=wait)


def new_throttle() -> LoginThrottle:
    """The central's login throttle (one per process)."""
    return LoginThrottle(FAILURES_PER_NAME, FAILURES_PER_ADDRESS, REFILL_SECONDS, _slow_down)


def token_hash(token: str) -> bytes:
    """What is stored of a login token."""
    return hashlib.sha256(token.encode()).digest()


def check_new_account(name: str, role: str, password: str) -> None:
    """Invalid when the name, role or password will not do."""
    if role not in ROLES:
        raise Invalid(f"A role is one of {', '.join(ROLES)}, not {role!r}.")
    if not name.strip() or len(name) > 64 or name != name.strip():
        raise Invalid("An account name is 1 to 64 characters, without spaces around it.")
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"A password has at least {MIN_PASSWORD} characters.")


def _add(connection: Connection, name: str, role: str, password_hash: str, now: float) -> None:
    if connection.execute(select(accounts.c.account_id).where(accounts.c.name == name)).first():
        raise Conflict(f"There is already an account called {name}.")
    connection.execute(accounts.insert().values(name=name, role=role, password_hash=password_hash,
                                                created_at=now))


async def add_account(store: Store, name: str, role: str, password: str, now: float) -> None:
    """Adds an account; Invalid for a bad name, role or password, Conflict for a taken name."""
    check_new_account(name, role, password)
    hashed = await asyncio.to_thread(hash_secret, password, PASSWORD_LOG2_COST)
    await store.transaction(_add, name, role, hashed, now)


def _find(connection: Connection, name: str) -> Any:
    return connection.execute(select(accounts).where(accounts.c.name == name)).first()


def _start_login(connection: Connection, account_id: int, hashed: bytes, address: str,
                 now: float) -> None:
    connection.execute(account_logins.insert().values(
        token_hash=hashed, account_id=account_id, address=address[:64], created_at=now))


async def log_in(store: Store, throttle: LoginThrottle, dummy_hash: str, name: str,
                 password: str, address: str, now: float) -> tuple[str, Principal]:
    """Checks the password off the loop; returns the cookie's token and who logged in."""
    row = await store.read(_find, name)
    matches = await asyncio.to_thread(verify_secret, password,
                                      row.password_hash if row else dummy_hash)
    if row is None or not matches:
        throttle.failed(address, name, now)
        raise WrongCredentials("That account name and password do not match.")
    token = secrets.token_urlsafe(32)
    await store.transaction(_start_login, row.account_id, token_hash(token), address, now)
    return token, Principal(row.name, row.role, token_hash(token))


def _logged_in(connection: Connection, hashed: bytes) -> Principal | None:
    row = connection.execute(
        select(accounts.c.name, accounts.c.role)
        .join(account_logins, account_logins.c.account_id == accounts.c.account_id)
        .where(account_logins.c.token_hash == hashed, account_logins.c.ended_at.is_(None))).first()
    return None if row is None else Principal(row.name, row.role, hashed)


async def account_for(store: Store, token: str) -> Principal | None:
    """The account logged in with this cookie token, if still logged in."""
    return await store.read(_logged_in, token_hash(token))


def _end(connection: Connection, hashed: bytes, now: float) -> None:
    connection.execute(update(account_logins).where(account_logins.c.token_hash == hashed)
                       .values(ended_at=now))


async def log_out(store: Store, principal: Principal, now: float) -> None:
    """Ends this login."""
    await store.transaction(_end, principal.token_hash, now)
