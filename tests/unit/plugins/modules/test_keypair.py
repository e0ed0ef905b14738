# -*- coding: utf-8 -*-
"""keypair: the public key is checked before any API call."""
from __future__ import annotations

import base64
import struct

import pytest

from ansible_collections.ooo.cloud.plugins.modules import keypair

ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF3GnE+eHbE8rrMhYsnkOS3xU5TU0+Jx3I3Io0d4Jiuq alice@host'
ECDSA = ('ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBJ6lmfH31oKLzfMDpx4hrgmFzfAduz05m+4U'
         '5ooUubCXrq0U86R8ZgIXqhruguwae/KYYxfY5nHyyZUFJHIltQg= alice@host')
RSA = ('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCig0G0nX9zpk8nbpvhTVWS3q3IO2R0bjix6/Co9VNXrhzxUReuQOYTpehTK2mPPZs+'
       'qqiosbcRTtNcEqoDZVVugQ+DIv0aKwOJRwboiLTPqw0+EIUf1dUJTfwWiv2/zEiTUFyIfZ6QTv6p+7gckyi0gA8OqbfKrt/Ho6qSuUjggQ=='
       ' alice@host')
ED25519_BLOB = ED25519.split()[1]


def _ssh(*fields):
    return b''.join(struct.pack('>I', len(f)) + f for f in fields)


def _b64(data):
    return base64.b64encode(data).decode()


def _routes(cloud):
    store = {}

    def get(match, body, query):
        name = match.group(1)
        return (200, {'keypair': store[name]}) if name in store else (404, {'itemNotFound': {'message': 'nope'}})

    def post(match, body, query):
        kp = dict(body['keypair'], fingerprint='aa:bb', type=body['keypair'].get('type', 'ssh'))
        store[kp['name']] = kp
        return 200, {'keypair': kp}
    cloud.route('GET', r'nova/v2.1/os-keypairs/([^/]+)', get)
    cloud.route('POST', r'nova/v2.1/os-keypairs', post)
    return store


@pytest.mark.parametrize('key', [ED25519, ECDSA, RSA, ED25519.rsplit(' ', 1)[0], '  %s  \n' % ED25519,
                                 'ssh-ed25519 %s a comment with spaces' % ED25519_BLOB])
def test_keypair_valid_keys_are_imported(cloud, run, key):
    store = _routes(cloud)
    res = run(keypair.main, {'name': 'k', 'public_key': key})
    assert res['changed'] is True and store['k']['public_key'] == key
    assert run(keypair.main, {'name': 'k', 'public_key': key})['changed'] is False


@pytest.mark.parametrize('key,message', [
    ('', 'it is empty'),
    (ED25519_BLOB, 'does not start with a key type'),
    ('ssh-ed25519', 'the key data (base64) after ssh-ed25519 is missing'),
    ('ssh-foo %s' % ED25519_BLOB, "the key type 'ssh-foo' is not one of ecdsa-sha2-nistp256"),
    ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKey', 'not valid base64'),
    ('ssh-ed25519 %s' % ED25519_BLOB.replace('AAAAI', 'AA*AI'), 'not valid base64'),
    ('ssh-rsa %s' % ED25519_BLOB, 'the key data is an ssh-ed25519 key, not ssh-rsa'),
    ('ecdsa-sha2-nistp384 %s' % ECDSA.split()[1], 'is an ecdsa-sha2-nistp256 key, not ecdsa-sha2-nistp384'),
    ('ssh-ed25519 %s' % _b64(b'hello, not a key at all'), 'does not start with the key type ssh-ed25519'),
    ('ssh-ed25519 %s' % _b64(_ssh(b'ssh-ed25519', b'x' * 32)[:-4]), 'incomplete: field 1 is cut off (28 of 32 bytes)'),
    ('ssh-rsa %s' % _b64(_ssh(b'ssh-rsa', b'\x01\x00\x01')), 'incomplete: it ends after 1 field(s)'),
    ('ssh-ed25519 %s' % _b64(_ssh(b'ssh-ed25519', b'x' * 32) + b'zz'), 'has 2 bytes too many'),
    ('ssh-ed25519 %s' % _b64(_ssh(b'ssh-ed25519', b'x' * 31)), 'is 31 bytes long, not 32'),
    ('ecdsa-sha2-nistp256 %s' % _b64(_ssh(b'ecdsa-sha2-nistp256', b'nistp384', b'\x04' * 65)),
     'not on the curve nistp256'),
    ('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
     'it is a private key'),
])
@pytest.mark.parametrize('check', [False, True])
def test_keypair_bad_public_key_fails_before_any_call(cloud, run, key, message, check):
    res = run(keypair.main, {'name': 'k', 'public_key': key}, check=check)
    assert res['failed'] and "keypair 'k': public_key is not a valid OpenSSH public key" in res['msg'], res
    assert message in res['msg'], res['msg']
    assert cloud.calls == []  # not even a token request


def test_keypair_private_key_is_not_echoed(cloud, run):
    secret = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ'
    res = run(keypair.main, {'name': 'k', 'public_key': '-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n'
                                                        '-----END OPENSSH PRIVATE KEY-----' % secret})
    assert res['failed'] and secret not in res['msg']


def test_keypair_bad_key_fails_for_state_absent_too(cloud, run):
    res = run(keypair.main, {'name': 'k', 'public_key': 'ssh-ed25519 nope', 'state': 'absent'})
    assert res['failed'] and 'public_key' in res['msg'] and cloud.calls == []


def test_keypair_x509_is_not_parsed_as_ssh(cloud, run):
    store = _routes(cloud)
    pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'
    res = run(keypair.main, {'name': 'cert', 'public_key': pem, 'key_type': 'x509'})
    assert res['changed'] is True and store['cert']['type'] == 'x509'
