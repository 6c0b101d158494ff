from pathlib import Path

import pytest

from cases.inbound.parse import parse_message

CORPUS = Path(__file__).parent / "corpus"
# Our outbound notifications carry Message-IDs like these (see the corpus files).
OUR_NOTIFICATION = "176438412905.48213.9301766254108827415@example.com"
OUR_OTHER_NOTIFICATION = "176438501122.48213.1175309428816360032@example.com"


def corpus_bytes(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture(scope="session")
def corpus():
    """parse_message() of a corpus file by name, each parsed once per test run."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = parse_message(corpus_bytes(name))
        return cache[name]

    return get
