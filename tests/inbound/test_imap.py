"""The IMAP client against a real Dovecot on loopback: TLS (implicit and STARTTLS) with
a self-signed certificate, never a fall back to plaintext, UID-based reading that marks
nothing, and marking processed (keyword or move) only when asked."""

import pytest

from inbound.imap import PROCESSED_KEYWORD, ImapMailbox
from inbound.imap_config import (
    ImapConfig,
    ImapConfigurationError,
    ImapConnectionError,
    ImapLoginError,
    ImapTlsError,
    TlsMode,
    configuration_problems,
)
from tests.imap_server import DovecotServer, unavailable_reason

from .conftest import corpus_bytes

needs_dovecot = pytest.mark.skipif(
    unavailable_reason() is not None, reason=unavailable_reason() or ""
)


@pytest.fixture(scope="module")
def plain_server():
    with DovecotServer(tls=False) as server:
        yield server


@pytest.fixture(scope="module")
def tls_server():
    with DovecotServer(tls=True) as server:
        yield server


@pytest.fixture
def plain(plain_server):
    plain_server.empty()
    return plain_server


@pytest.fixture
def tls(tls_server):
    tls_server.empty()
    return tls_server


def plaintext_config(server, **overrides):
    values = dict(
        host=server.host,
        port=server.port,
        username=server.user,
        password=server.password,
        tls=TlsMode.NONE,
        allow_plaintext=True,
        timeout=5,
    )
    values.update(overrides)
    return ImapConfig(**values)


def tls_config(server, mode=TlsMode.IMPLICIT, **overrides):
    values = dict(
        host=server.host,
        port=server.tls_port if mode is TlsMode.IMPLICIT else server.port,
        username=server.user,
        password=server.password,
        tls=mode,
        ca_file=server.ca_file,
        timeout=5,
    )
    values.update(overrides)
    return ImapConfig(**values)


GMAIL = corpus_bytes("gmail-reply.eml")
OUTLOOK = corpus_bytes("outlook-reply.eml")


# --- configuration, no server needed ---------------------------------------------------


def test_plaintext_is_refused_unless_explicitly_allowed():
    config = ImapConfig(host="127.0.0.1", username="u", password="p", tls="none")
    with pytest.raises(ImapConfigurationError, match="INBOUND_IMAP_ALLOW_PLAINTEXT"):
        ImapMailbox(config)


def test_plaintext_is_refused_for_a_server_that_is_not_on_loopback():
    config = ImapConfig(
        host="imap.example.com", username="u", password="p", tls="none", allow_plaintext=True
    )
    with pytest.raises(ImapConfigurationError, match="not a loopback address"):
        ImapMailbox(config)


def test_an_unknown_tls_mode_is_named():
    problems = configuration_problems(host="imap.example.com", tls="ssl", allow_plaintext=False)
    assert problems == [
        "INBOUND_IMAP_TLS is 'ssl'; use 'implicit' (port 993) or 'starttls' (port 143)."
    ]


def test_the_system_check_names_each_bad_imap_setting(settings):
    from django.core.checks import run_checks

    settings.INBOUND_IMAP_HOST = "imap.example.com"
    settings.INBOUND_IMAP_TLS = "none"
    settings.INBOUND_IMAP_ALLOW_PLAINTEXT = False
    settings.INBOUND_IMAP_OVERSIZE_FOLDER = "Te groot\n"
    errors = [e for e in run_checks() if e.id == "inbound.E001"]
    assert [e.msg for e in errors] == [
        "INBOUND_IMAP_TLS is 'none', which sends the password in plaintext; it needs "
        "INBOUND_IMAP_ALLOW_PLAINTEXT=true and a loopback server.",
        "The IMAP folder name 'Te groot\\n' must be plain ASCII without quotes, backslashes "
        "or line breaks.",
    ]
    settings.INBOUND_IMAP_HOST = ""  # not polled: nothing to check
    assert not [e for e in run_checks() if e.id == "inbound.E001"]


def test_folder_names_must_be_plain_ascii():
    problems = configuration_problems(
        host="h", tls="implicit", allow_plaintext=False, folders=("INBOX", 'Ver"werkt')
    )
    assert len(problems) == 1 and 'Ver"werkt' in problems[0]


def test_default_ports_follow_the_tls_mode():
    assert ImapConfig(host="h", username="u", password="p").effective_port == 993
    assert ImapConfig(host="h", username="u", password="p", tls="starttls").effective_port == 143


def test_the_password_is_not_in_the_repr():
    assert "secret" not in repr(ImapConfig(host="h", username="u", password="secret"))


def test_config_from_settings_reads_the_inbound_section(settings):
    settings.INBOUND_IMAP_HOST = "imap.example.com"
    settings.INBOUND_IMAP_USER = "support@example.com"
    settings.INBOUND_IMAP_PASSWORD = "pw"
    settings.INBOUND_IMAP_TLS = "starttls"
    settings.INBOUND_IMAP_PORT = None
    config = ImapConfig.from_settings()
    assert (config.host, config.effective_port, config.folder) == ("imap.example.com", 143, "INBOX")
    assert config.allow_plaintext is False


def test_an_unreachable_server_is_a_connection_error():
    from tests.imap_server import free_port

    config = ImapConfig(host="127.0.0.1", port=free_port(), username="u", password="p", timeout=2)
    with pytest.raises(ImapConnectionError, match="Could not connect"):
        ImapMailbox(config).open()


# --- against Dovecot -------------------------------------------------------------------


@needs_dovecot
def test_unprocessed_messages_are_read_by_uid_without_marking_them_seen(plain):
    plain.append(GMAIL)
    plain.append(OUTLOOK)
    with ImapMailbox(plaintext_config(plain)) as mailbox:
        fetched = list(mailbox.fetch_unprocessed())
    assert [m.raw for m in fetched] == [GMAIL, OUTLOOK]
    assert fetched[0].uid < fetched[1].uid
    assert all("\\Seen" not in flags for _, flags, _ in plain.messages())


@needs_dovecot
def test_a_message_not_marked_processed_is_read_again_next_time(plain):
    plain.append(GMAIL)
    with ImapMailbox(plaintext_config(plain)) as mailbox:
        [first] = mailbox.fetch_unprocessed()
        # The caller's database commit failed here: no mark_processed().
    with ImapMailbox(plaintext_config(plain)) as mailbox:
        [again] = mailbox.fetch_unprocessed()
    assert again.uid == first.uid and again.raw == GMAIL


@needs_dovecot
def test_marking_processed_sets_the_keyword_and_seen_and_skips_it_afterwards(plain):
    plain.append(GMAIL)
    plain.append(OUTLOOK)
    with ImapMailbox(plaintext_config(plain)) as mailbox:
        first, second = mailbox.unprocessed_uids()
        mailbox.mark_processed(first)
        assert mailbox.unprocessed_uids() == [second]
    flags = {uid: f for uid, f, _ in plain.messages()}
    assert PROCESSED_KEYWORD in flags[first] and "\\Seen" in flags[first]
    assert PROCESSED_KEYWORD not in flags[second]
    with ImapMailbox(plaintext_config(plain)) as mailbox:
        assert [m.raw for m in mailbox.fetch_unprocessed()] == [OUTLOOK]


@needs_dovecot
def test_marking_processed_can_move_the_message_to_a_processed_folder(plain):
    plain.append(GMAIL)
    plain.append(OUTLOOK)
    config = plaintext_config(plain, processed_folder="Processed")
    with ImapMailbox(config) as mailbox:
        for message in mailbox.fetch_unprocessed():
            mailbox.mark_processed(message.uid)
        assert mailbox.unprocessed_uids() == []
    assert plain.messages("INBOX") == []
    moved = plain.messages("Processed")
    assert [raw for _, _, raw in moved] == [GMAIL, OUTLOOK]
    assert all(PROCESSED_KEYWORD in flags for _, flags, _ in moved)


@needs_dovecot
def test_fetch_limit_and_a_vanished_uid(plain):
    for _ in range(3):
        plain.append(GMAIL)
    with ImapMailbox(plaintext_config(plain)) as mailbox:
        assert len(list(mailbox.fetch_unprocessed(limit=2))) == 2
        assert mailbox.fetch(max(mailbox.unprocessed_uids()) + 100) is None


@needs_dovecot
def test_a_wrong_password_raises_a_login_error(plain):
    with pytest.raises(ImapLoginError, match="refused the login of 'support'"):
        ImapMailbox(plaintext_config(plain, password="wrong")).open()


@needs_dovecot
def test_a_missing_folder_is_named(plain):
    with pytest.raises(Exception, match="'Nope' .* cannot be opened"):
        ImapMailbox(plaintext_config(plain, folder="Nope")).open()


@needs_dovecot
def test_starttls_against_a_server_without_it_fails_instead_of_sending_the_password(
    plain, monkeypatch
):
    def login(self):
        raise AssertionError("the password was about to be sent in plaintext")

    monkeypatch.setattr(ImapMailbox, "_login", login)
    config = ImapConfig(
        host=plain.host, port=plain.port, username=plain.user, password=plain.password,
        tls=TlsMode.STARTTLS, timeout=5,
    )  # fmt: skip
    with pytest.raises(ImapTlsError, match="does not offer STARTTLS; not continuing without TLS"):
        ImapMailbox(config).open()


@needs_dovecot
def test_implicit_tls_against_a_plaintext_port_is_a_tls_error(plain):
    config = ImapConfig(
        host=plain.host, port=plain.port, username=plain.user, password=plain.password,
        tls=TlsMode.IMPLICIT, timeout=5,
    )  # fmt: skip
    with pytest.raises(ImapTlsError):
        ImapMailbox(config).open()


@needs_dovecot
@pytest.mark.parametrize("mode", [TlsMode.IMPLICIT, TlsMode.STARTTLS])
def test_tls_with_a_verified_certificate_reads_and_marks(tls, mode):
    tls.append(OUTLOOK)
    with ImapMailbox(tls_config(tls, mode)) as mailbox:
        assert mailbox._conn.sock.version() in ("TLSv1.2", "TLSv1.3")
        [message] = mailbox.fetch_unprocessed()
        assert message.raw == OUTLOOK
        mailbox.mark_processed(message.uid)
        assert mailbox.unprocessed_uids() == []


@needs_dovecot
@pytest.mark.parametrize("mode", [TlsMode.IMPLICIT, TlsMode.STARTTLS])
def test_an_unverifiable_certificate_is_refused(tls, mode):
    # Without the test CA the self-signed certificate cannot be verified.
    with pytest.raises(ImapTlsError, match="certificate verify failed"):
        ImapMailbox(tls_config(tls, mode, ca_file="")).open()


@needs_dovecot
def test_a_wrong_password_over_tls_raises_a_login_error(tls):
    with pytest.raises(ImapLoginError):
        ImapMailbox(tls_config(tls, TlsMode.STARTTLS, password="wrong")).open()


@needs_dovecot
def test_a_server_without_move_gets_copy_delete_and_expunge(plain):
    plain.append(GMAIL)
    plain.append(OUTLOOK)
    with ImapMailbox(plaintext_config(plain, processed_folder="Verwerkt")) as mailbox:
        conn = mailbox._conn
        conn.capabilities = tuple(c for c in conn.capabilities if c != "MOVE")
        first, second = mailbox.unprocessed_uids()
        mailbox.mark_processed(first)
        assert mailbox.unprocessed_uids() == [second]
    assert [raw for _, _, raw in plain.messages("INBOX")] == [OUTLOOK]
    assert [raw for _, _, raw in plain.messages("Verwerkt")] == [GMAIL]


@needs_dovecot
def test_marking_twice_is_harmless(plain):
    plain.append(GMAIL)
    with ImapMailbox(plaintext_config(plain)) as mailbox:
        [uid] = mailbox.unprocessed_uids()
        mailbox.mark_processed(uid)
        mailbox.mark_processed(uid)
        assert mailbox.unprocessed_uids() == []
