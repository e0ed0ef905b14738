# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""What goes wrong talking to OpenStack, and how it is told.

The exceptions of the OpenStack client and the messages made of an API's error body or of
a name that was not found (with its close matches). Shared by the configuration, the
Keystone authentication and the client; imports no other module_utils file.
"""

from __future__ import annotations

import json
import re


class OpenStackError(Exception):
    """An error talking to OpenStack, with the HTTP status when there is one."""

    def __init__(self, msg, status=None, body=None):
        super().__init__(msg)
        self.msg = msg
        self.status = status
        self.body = body


class NotFound(OpenStackError):
    pass


class ConfigError(OpenStackError):
    pass


def close_matches(word, candidates, n=5):
    """Up to ``n`` candidates close to ``word``, best first, each once (resources may share a name)."""
    import difflib  # pylint: disable=import-outside-toplevel
    names = list(dict.fromkeys(str(c) for c in candidates if c))
    return difflib.get_close_matches(str(word), names, n=n, cutoff=0.5)


def not_found_message(kind, value, candidates):
    close = close_matches(value, candidates)
    msg = "%s '%s' not found" % (kind, value)
    if close:
        msg += '; close matches: %s' % ', '.join(close)
    elif candidates:
        names = sorted({str(c) for c in candidates if c})
        msg += '; available: %s' % ', '.join(names[:10]) + (', ...' if len(names) > 10 else '')
    return msg


def error_text(body):
    """The human part of an OpenStack error body."""
    if not body:
        return ''
    if isinstance(body, bytes):
        body = body.decode('utf-8', 'replace')
    try:
        data = json.loads(body)
    except ValueError:
        text = re.sub(r'<[^>]+>', ' ', body)
        return re.sub(r'\s+', ' ', text).strip()[:1000]
    if isinstance(data, dict):
        if isinstance(data.get('NeutronError'), dict):
            return data['NeutronError'].get('message') or json.dumps(data)
        if isinstance(data.get('error'), dict):
            err = data['error']
            return err.get('message') or err.get('title') or json.dumps(err)
        if isinstance(data.get('errors'), list) and data['errors']:
            err = data['errors'][0]
            return err.get('detail') or err.get('title') or json.dumps(err)
        if len(data) == 1:
            inner = list(data.values())[0]
            if isinstance(inner, dict) and 'message' in inner:
                return inner['message']
        if 'message' in data:
            return str(data['message'])
        if 'description' in data:
            return str(data['description'])
    return json.dumps(data)[:1000]
