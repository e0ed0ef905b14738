# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""The modules' action (plugin_utils/in_process.py): a module run inside Ansible's worker
returns what the same module run as a separate process returns (a real ansible-playbook
against a small HTTP API), and every module has it."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
MODULE_FILE = 'Using module file %s' % (ROOT / '.build' / 'collections' / 'ansible_collections' / 'ooo' / 'cloud')
PROJECTS = [{'id': 'f' * 32, 'name': 'demo', 'domain_id': 'default', 'enabled': True, 'description': ''}]

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/ooo.cloud.openstack:
      auth: {auth_url: "%(url)s/v3", username: admin, password: secret-pw, project_name: admin,
             user_domain_name: Default, project_domain_name: Default}
  tasks:
    - name: An existing project
      ooo.cloud.project: {name: demo}
      register: existing
    - name: A missing project, in check mode
      ooo.cloud.project: {name: other, description: new}
      check_mode: true
      diff: true
      register: predicted
    - name: An invalid CIDR
      ooo.cloud.subnet: {name: s, network: n, cidr: 10.0.0.0/33}
      register: invalid
      ignore_errors: true
    - name: Unknown projects in a loop
      ooo.cloud.project_info: {name: "{{ item }}"}
      loop: [demo, nope]
      register: listed
    - name: Write what the tasks returned
      ansible.builtin.copy:
        dest: "%(out)s"
        content: "{{ {'existing': existing, 'predicted': predicted, 'invalid': invalid, 'listed': listed} | to_json }}"
        mode: "0600"
"""


class FakeKeystone(BaseHTTPRequestHandler):
    calls = []

    def log_message(self, *args):
        pass

    def _reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        self.calls.append(('POST', self.path))
        if self.path == '/v3/auth/tokens':
            url = 'http://%s:%d' % self.server.server_address
            catalog = [{'type': 'identity', 'endpoints': [{'interface': 'public', 'region': 'RegionOne', 'url': url}]}]
            return self._reply(201, {'token': {'expires_at': '2099-01-01T00:00:00.000000Z', 'catalog': catalog,
                                               'project': {'id': 'p1', 'name': 'admin'}, 'user': {'id': 'u1'}}},
                               {'X-Subject-Token': 'tok'})
        return self._reply(403, {'error': {'message': 'no writes here'}})

    def do_GET(self):  # noqa: N802
        self.calls.append(('GET', self.path))
        if self.path.startswith('/v3/projects'):
            name = self.path.partition('name=')[2].partition('&')[0]
            return self._reply(200, {'projects': [p for p in PROJECTS if not name or p['name'] == name]})
        return self._reply(404, {'error': {'message': 'not found'}})


@pytest.fixture
def keystone():
    server = ThreadingHTTPServer(('127.0.0.1', 0), FakeKeystone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeKeystone.calls = []
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()


def run_playbook(tmp_path, url, in_process):
    out = tmp_path / ('in-process.json' if in_process else 'subprocess.json')
    playbook = tmp_path / 'playbook.yml'
    playbook.write_text(PLAYBOOK % {'url': url, 'out': out})
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / '.build' / 'collections'),
               XDG_CACHE_HOME=str(tmp_path / 'cache'), ANSIBLE_CONFIG=str(ROOT / 'ansible.cfg'))
    exe = Path(sys.executable).parent / 'ansible-playbook'
    proc = subprocess.run([str(exe), '-vvv', '-i', 'localhost,', str(playbook), '-e', 'ooo_cloud_in_process=%s' % in_process],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(out.read_text()), proc.stdout


def comparable(result):
    """A task result without what differs between two runs of the same module anyway."""
    if isinstance(result, dict):
        return {k: comparable(v) for k, v in result.items() if k not in ('exception',)}
    if isinstance(result, list):
        return [comparable(v) for v in result]
    return result


def test_in_process_returns_what_a_module_process_returns(tmp_path, keystone):
    inside, log = run_playbook(tmp_path, keystone, True)
    assert MODULE_FILE not in log  # -vvv logs every module process Ansible starts
    assert inside['existing']['changed'] is False and inside['existing']['project']['id'] == PROJECTS[0]['id']
    assert inside['predicted']['changed'] is True
    assert inside['predicted']['diff']['after']['description'] == 'new'
    assert inside['invalid']['failed'] is True and 'not a valid CIDR' in inside['invalid']['msg']
    assert [r['projects'] for r in inside['listed']['results']] == [PROJECTS, []]
    assert 'secret-pw' not in json.dumps(inside)
    assert [c for c in FakeKeystone.calls if c[0] != 'GET'] == [('POST', '/v3/auth/tokens')]

    outside, log = run_playbook(tmp_path, keystone, False)
    assert MODULE_FILE in log  # Ansible started module processes this time
    assert comparable(outside) == comparable(inside)


def test_every_module_runs_with_the_in_process_action():
    from ansible_collections.ooo.cloud.plugins.plugin_utils.in_process import InProcessAction
    modules = sorted(p.stem for p in (ROOT / 'plugins' / 'modules').glob('*.py'))
    actions = sorted(p.stem for p in (ROOT / 'plugins' / 'action').glob('*.py'))
    assert actions == modules
    for name in modules:
        action = importlib.import_module('ansible_collections.ooo.cloud.plugins.action.%s' % name)
        assert issubclass(action.ActionModule, InProcessAction), name
