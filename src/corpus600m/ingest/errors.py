"""The one error a whole donation can meet: it is refused, nothing is written, and the message says why."""

from __future__ import annotations


class DonationRefused(Exception):
    """The donation as a whole cannot be taken (licence, manifest, column mapping, unreadable file, no rows).

    The message is for the contributor: what is wrong, where (file, line, column) and what to do.
    Raised before anything is written to the store, so a refused donation leaves no trace.
    """
