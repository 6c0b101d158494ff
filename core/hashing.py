"""The digest kept in place of a secret a person holds (an API token, an invitation's
link): enough to find it again, useless to whoever reads the database."""

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
