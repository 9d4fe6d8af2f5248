"""Authentication as GitHub does it: App JWTs (RS256), installation tokens, static tokens."""

from __future__ import annotations

import secrets

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.fakegh.http import Auth, HTTPError, Principal
from bot.fakegh.state import Token, World

MAX_JWT_LIFETIME = 600  # GitHub refuses App JWTs whose exp is more than 10 minutes after iat
IAT_SKEW = 60  # clocks drift: GitHub accepts an iat up to a minute in the future
TOKEN_LIFETIME = 3600


def new_app_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair for a demo or test App: (private PKCS#8 PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def _unauthorized(message: str) -> HTTPError:
    return HTTPError(401, message)


def verify_app_jwt(world: World, raw: str) -> Principal:
    """The App a JWT stands for, after checking signature, ``iss``, ``iat`` and ``exp``."""
    try:
        claims = jwt.decode(raw, options={"verify_signature": False})
        app = world.apps.get(int(claims.get("iss", "")))
    except (jwt.PyJWTError, ValueError, TypeError):
        raise _unauthorized("A JSON web token could not be decoded") from None
    if app is None:
        raise _unauthorized("Integration not found")
    now = world.now()
    try:
        claims = jwt.decode(
            raw,
            app.public_key_pem,
            algorithms=["RS256"],
            options={"require": ["iat", "exp", "iss"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise _unauthorized(f"A JSON web token could not be decoded: {exc}") from None
    iat, exp = claims["iat"], claims["exp"]
    if not isinstance(iat, int | float) or not isinstance(exp, int | float):
        raise _unauthorized("'Issued at' and 'Expiration time' claims must be numeric values")
    if exp <= now:
        raise _unauthorized(
            "'Expiration time' claim ('exp') must be a numeric value representing "
            "the future time at which the assertion expires"
        )
    if exp - iat > MAX_JWT_LIFETIME:
        raise _unauthorized("'Expiration time' claim ('exp') is too far in the future")
    if iat > now + IAT_SKEW:
        raise _unauthorized(
            "'Issued at' claim ('iat') must be an Integer representing "
            "the time that the assertion was issued"
        )
    return Principal("jwt", app_id=app.id)


def verify_token(world: World, raw: str) -> Principal:
    """The holder of an installation or static token, unless unknown or expired."""
    token = world.tokens.get(raw)
    if token is None or (token.expires_at is not None and token.expires_at <= world.now()):
        raise _unauthorized("Bad credentials")
    if token.installation_id is None:
        return Principal("token", login="github-actions[bot]")
    installation = world.installations.get(token.installation_id)
    app = world.apps.get(installation.app_id or -1) if installation else None
    return Principal(
        "installation",
        app_id=app.id if app else None,
        installation_id=token.installation_id,
        login=f"{app.slug}[bot]" if app else "autopilot[bot]",
    )


def authenticate(world: World, header: str | None, auth: Auth) -> Principal:
    """Check ``Authorization`` for a route needing ``auth`` (``app``, ``repo`` or ``public``)."""
    if auth == "public":
        return Principal("none")
    if not header:
        raise _unauthorized("Requires authentication")
    scheme, _, raw = header.partition(" ")
    scheme = scheme.lower()
    raw = raw.strip()
    if scheme not in ("bearer", "token") or not raw:
        raise _unauthorized("Bad credentials")
    looks_like_jwt = raw.count(".") == 2
    if auth == "app":
        if not looks_like_jwt or scheme != "bearer":
            raise _unauthorized(
                "A JSON web token could not be decoded: App endpoints need 'Bearer <JWT>'"
            )
        return verify_app_jwt(world, raw)
    if looks_like_jwt and raw not in world.tokens:
        raise _unauthorized("A JSON web token cannot be used here: use an installation token")
    return verify_token(world, raw)


def mint_installation_token(
    world: World, installation_id: int, permissions: dict[str, str] | None = None
) -> Token:
    """A fresh ``ghs_`` token for an installation, valid for an hour."""
    installation = world.installations[installation_id]
    token = Token(
        token="ghs_" + secrets.token_urlsafe(27)[:36],
        installation_id=installation_id,
        permissions=dict(permissions or installation.permissions),
        expires_at=world.now() + TOKEN_LIFETIME,
    )
    world.tokens[token.token] = token
    return token


def check_repo_access(world: World, principal: Principal, full_name: str) -> None:
    """Installation tokens reach only the installation's repositories (others look missing)."""
    if principal.installation_id is None:
        return
    installation = world.installations.get(principal.installation_id)
    names = {r.lower() for r in installation.repos} if installation else set()
    if full_name.lower() not in names:
        raise HTTPError(404, "Not Found")
