"""What the security review found (issue 19), checked on the deployed overcloud.

- memcached holds keystonemiddleware's cached token validations encrypted and signed
  (memcache_security_strategy = ENCRYPT with memcached_secret_key): whoever reaches memcached
  reads no token data.
- RabbitMQ has no guest user, and guest could log in only from the node itself.
- A password change under --check --diff shows which file would change, never the password.
"""

from __future__ import annotations

import json
import secrets
import shlex
import textwrap

import requests

from ooo_testlib import ROOT, ansible_playbook, on_node

CONTROLLER = "overcloud-controller-0"

# Run on the controller: every key memcached holds that keystonemiddleware cached (tokens/…),
# with its raw value. metadump lists keys URL-encoded; values come back as memcached keeps them.
MEMCACHED_DUMP = textwrap.dedent(r'''
    import json, socket, subprocess, urllib.parse
    listen = subprocess.run(["ss", "-Htln", "sport = :11211"], capture_output=True, text=True).stdout.split()
    host = listen[3].rsplit(":", 1)[0]
    sock = socket.create_connection((host, 11211), timeout=10)
    def ask(command):
        sock.sendall(command)
        data = b""
        while not data.endswith(b"END\r\n"):
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            data += chunk
        return data
    keys = [urllib.parse.unquote(line.split()[0][len("key="):])
            for line in ask(b"lru_crawler metadump all\r\n").decode().splitlines() if line.startswith("key=")]
    print(json.dumps({key: ask(b"get " + key.encode() + b"\r\n").decode("latin-1")
                      for key in keys if key.startswith("tokens/")}))
''')


def test_memcached_holds_no_readable_token(demo):
    """A validation the Image API cached for the demo user's token: in memcached, no token data."""
    token = demo.auth_token
    user_id, project_id = demo.current_user_id, demo.current_project_id
    image_url = demo.endpoint_for("image").rstrip("/")
    # A token glance-api has not seen is validated with Keystone and then cached.
    answer = requests.get(image_url + "/v2/images", headers={"X-Auth-Token": token}, timeout=30)
    assert answer.status_code == 200, answer.text[:300]

    dumped = on_node(CONTROLLER, "python3 -c %s" % shlex.quote(MEMCACHED_DUMP))
    assert dumped.returncode == 0, dumped.stderr
    cached = json.loads(dumped.stdout)
    assert cached, "memcached on %s holds no keystonemiddleware entry (tokens/…) after an API call" % CONTROLLER
    readable = [key for key, value in cached.items()
                if user_id in value or project_id in value or '"expires_at"' in value or token in value]
    assert not readable, ("memcached on %s holds token validations in clear text (%s): set "
                          "memcache_security_strategy ENCRYPT in [keystone_authtoken]" % (CONTROLLER, readable[:3]))


def test_rabbitmq_has_no_guest_and_guest_is_loopback_only():
    users = on_node(CONTROLLER, "rabbitmqctl -q -s list_users </dev/null")
    assert users.returncode == 0, users.stderr
    assert "guest" not in [line.split("\t")[0] for line in users.stdout.splitlines()], users.stdout
    conf = on_node(CONTROLLER, "cat /etc/rabbitmq/rabbitmq.conf").stdout
    assert "loopback_users.guest = true" in conf, conf
    assert "loopback_users = none" not in conf, conf


def test_diff_of_a_password_change_shows_no_password(tmp_path):
    """glance under --check --diff with a new Keystone password: glance-api.conf would change,
    and the password is nowhere in the output."""
    new_password = "e2e-" + secrets.token_hex(16)
    playbook = tmp_path / "glance-password.yml"
    playbook.write_text(textwrap.dedent('''\
        - name: Glance with another Keystone password, checked only
          hosts: overcloud_controller
          gather_facts: false
          vars_files:
            - %s/playbooks/vars/overcloud.yml
          tasks:
            - name: Load the overcloud's secrets
              ansible.builtin.include_role:
                name: ooo.cloud.secrets
              vars:
                secrets_extra_names: "{{ ooo_overcloud_secrets }}"
            - name: Glance
              ansible.builtin.include_role:
                name: ooo.cloud.glance
        ''' % ROOT))
    extra = tmp_path / "password.json"
    extra.write_text(json.dumps({"glance_keystone_password": new_password}))
    run = ansible_playbook("--check", "--diff", "-e", "@%s" % extra, playbook, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert new_password not in output, "the new password is printed by --check --diff"
    changed = [line for line in output.splitlines() if line.startswith("changed: [%s]" % CONTROLLER)]
    assert any("glance-api.conf" in line for line in changed), "no change to glance-api.conf predicted:\n" + output[-3000:]
