# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""What the object and object_container modules share: Swift's names, headers and metadata."""

from __future__ import annotations

import re

SERVICE = 'object-store'
# What Swift takes as a metadata name: an HTTP header name it passes on unchanged.
KEY_RE = re.compile(r'^[A-Za-z0-9-]+$')
MAX_CONTAINER_NAME = 256  # bytes of UTF-8, Swift's container_name_max_length


def wire(text):
    """A header value as the transport sends it (latin-1): Swift keeps the UTF-8 bytes."""
    return text.encode('utf-8').decode('latin-1')


def unwire(value):
    """A header value read back as the text it was sent as."""
    try:
        return value.encode('latin-1').decode('utf-8')
    except UnicodeError:
        return value


def metadata_from(headers, prefix):
    """The metadata of an account, container or object: the headers under its prefix, as text."""
    return {k[len(prefix):]: unwire(v) for k, v in headers.items() if k.startswith(prefix)}


def container_name_error(name):
    """Why Swift would refuse a container name, or None."""
    if not name or '/' in name:
        return "a container name must not be empty nor contain '/'"
    size = len(name.encode('utf-8'))
    if size > MAX_CONTAINER_NAME:
        return 'the container name is %d bytes long (UTF-8); Swift allows at most %d' % (size, MAX_CONTAINER_NAME)
    return None


def metadata_key_error(metadata):
    """Why Swift would not keep these metadata keys as given, or None."""
    keys = [str(k) for k in metadata or {}]
    bad = [k for k in keys if not KEY_RE.match(k)]
    if bad:
        return "metadata keys %s are not letters, digits and '-' (Swift turns '_' into '-')" % ', '.join(sorted(bad))
    lowered = [k.lower() for k in keys]
    twins = [k for k in keys if lowered.count(k.lower()) > 1]
    if twins:
        return 'metadata keys %s differ only in case; Swift keeps one of them' % ', '.join(sorted(twins, key=str.lower))
    return None
