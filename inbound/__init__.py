"""Inbound mail on the designated support address: pure parsing and classification of
RFC 5322 messages (no database), and a small IMAP client.

- `parse.parse_message(raw)` turns bytes into a `ParsedMessage`, never raising.
- `classify.classify(parsed)` gives the loop-protection verdict with its reasons.
- `routing.route(parsed, classification, facts)` decides where the message goes from
  facts the caller looked up in the database.
- `imap.ImapMailbox` reads a mailbox by UID and marks a message processed only when
  the caller says so (after its database commit).
"""
