# -*- coding: utf-8 -*-
"""openstack_errors.py: the messages made of an API's error body, and of a name not found."""
from __future__ import annotations

import pytest

from ansible_collections.ooo.cloud.plugins.module_utils import openstack_errors as errors


@pytest.mark.parametrize('body, text', [
    (b'{"NeutronError": {"message": "Invalid input", "type": "HTTPBadRequest"}}', 'Invalid input'),
    (b'{"badRequest": {"message": "bad flavor", "code": 400}}', 'bad flavor'),
    (b'{"error": {"message": "no such user", "code": 404}}', 'no such user'),
    (b'{"errors": [{"detail": "Resource provider has allocations.", "title": "Conflict"}]}',
     'Resource provider has allocations.'),
    (b'{"message": "plain"}', 'plain'),
    (b'<html><h1>409 Conflict</h1> Image in use</html>', '409 Conflict Image in use'),
    (b'', ''),
    (None, ''),
])
def test_error_text(body, text):
    assert errors.error_text(body) == text


def test_close_matches_message():
    assert errors.not_found_message('image', 'cirros-6', ['cirros-0.6.2', 'ubuntu']) == \
        "image 'cirros-6' not found; close matches: cirros-0.6.2"
    assert 'available: a, b' in errors.not_found_message('image', 'zzz', ['a', 'b'])
    many = ['n%02d' % i for i in range(12)]
    assert errors.not_found_message('network', 'zzz', many).endswith('n09, ...')
    assert errors.not_found_message('network', 'zzz', []) == "network 'zzz' not found"


def test_close_matches_name_each_name_once():
    # three networks named 'private' (and two 'privat2'): each name is shown once, best first
    names = ['private', 'public', 'private', 'privat2', 'private', 'privat2']
    assert errors.close_matches('privat', names) == ['private', 'privat2']
    assert errors.not_found_message('network', 'privat', names) == \
        "network 'privat' not found; close matches: private, privat2"
    # n counts names, not resources
    many = ['net-a'] * 5 + ['net-b', 'net-c']
    assert sorted(errors.close_matches('net-x', many, n=3)) == ['net-a', 'net-b', 'net-c']


def test_error_classes():
    e = errors.NotFound('gone', status=404, body=b'{}')
    assert isinstance(e, errors.OpenStackError) and (e.msg, e.status, e.body, str(e)) == ('gone', 404, b'{}', 'gone')
    assert issubclass(errors.ConfigError, errors.OpenStackError)
