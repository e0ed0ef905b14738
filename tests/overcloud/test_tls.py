"""TLS on the overcloud's public endpoints (issue 19), with the undercloud as the CA.

- The CA's key stays on the undercloud (0600); the deploy host has only its certificate.
- Every public endpoint in the catalog is https, and its chain and address verify against the
  CA (`openssl s_client -verify_return_error -verify_ip`); against another CA they do not.
- The CLI issues a token with clouds.yaml's cacert, and with a wrong CA fails on verification.
- Plain HTTP to a public API port gets no API; the dashboard's port 80 redirects to https.
- A certificate near its end is issued again and HAProxy reloads it; a run after that issues
  none.
"""

from __future__ import annotations

import ssl
import subprocess
from urllib.parse import urlsplit

import pytest
import requests
from cryptography import x509

from ooo_testlib import ROOT, TLS_CA_FILE, ansible_playbook, on_node, verified_certificate

CONTROLLER = "overcloud-controller-0"
CA_NODE = "undercloud"
CA_KEY = "/etc/ooo/ca/ca.key"
OPENSTACK = ROOT / ".venv" / "bin" / "openstack"


def public_endpoints(admin):
    """(service type, URL) of every public endpoint in the overcloud's catalog."""
    services = {service.id: service.type for service in admin.identity.services()}
    return sorted((services.get(endpoint.service_id, "?"), endpoint.url)
                  for endpoint in admin.identity.endpoints(interface="public"))


def public_identity(admin):
    """Keystone's public host and port, from the catalog."""
    return host_port(next(url for kind, url in public_endpoints(admin) if kind == "identity"))


def host_port(url):
    parts = urlsplit(url)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def served_serial(host, port):
    """The serial number of the certificate the endpoint serves (not verified here)."""
    pem = ssl.get_server_certificate((host, port), timeout=10)
    return x509.load_pem_x509_certificate(pem.encode()).serial_number


def s_client(host, port, ca_file):
    return subprocess.run(["openssl", "s_client", "-connect", "%s:%d" % (host, port), "-CAfile", str(ca_file),
                           "-verify_return_error", "-verify_ip", host],
                          input="", capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture(scope="module")
def wrong_ca(tmp_path_factory):
    """A CA of its own, which signed none of the cloud's certificates."""
    where = tmp_path_factory.mktemp("wrong-ca")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=not the cloud's CA", "-keyout", str(where / "ca.key"), "-out", str(where / "ca.crt")],
                   check=True, capture_output=True)
    return where / "ca.crt"


def test_the_ca_key_stays_on_the_undercloud():
    mode = on_node(CA_NODE, "stat -c '%a %U' " + CA_KEY)
    assert mode.returncode == 0 and mode.stdout.split() == ["600", "root"], (mode.stdout, mode.stderr)
    assert TLS_CA_FILE.exists(), "no CA certificate on the deploy host at %s" % TLS_CA_FILE
    assert "PRIVATE KEY" not in TLS_CA_FILE.read_text()
    copies = [path for path in TLS_CA_FILE.parent.iterdir() if path.is_file() and "PRIVATE KEY" in path.read_text()]
    assert not copies, "a private key on the deploy host: %s" % copies


def test_every_public_endpoint_is_https_and_verifies(admin, wrong_ca):
    endpoints = public_endpoints(admin)
    assert len(endpoints) >= 10, endpoints
    plain = [entry for entry in endpoints if not entry[1].startswith("https://")]
    assert not plain, "public endpoints without TLS: %s" % plain
    for host, port in sorted({host_port(url) for _kind, url in endpoints}):
        good = s_client(host, port, TLS_CA_FILE)
        assert good.returncode == 0 and "Verify return code: 0 (ok)" in good.stdout, \
            "%s:%d does not verify against the CA:\n%s" % (host, port, (good.stdout + good.stderr)[-1500:])
        bad = s_client(host, port, wrong_ca)
        assert bad.returncode != 0, "%s:%d verifies against a CA that signed nothing" % (host, port)


def test_cli_verifies_with_the_ca_and_refuses_another(wrong_ca):
    good = subprocess.run([str(OPENSTACK), "--os-cloud", "overcloud", "token", "issue", "-f", "value", "-c", "id"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert good.returncode == 0 and good.stdout.strip(), good.stderr[-2000:]
    bad = subprocess.run([str(OPENSTACK), "--os-cloud", "overcloud", "--os-cacert", str(wrong_ca),
                          "token", "issue"], capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode != 0
    assert "CERTIFICATE_VERIFY_FAILED" in bad.stderr or "certificate verify failed" in bad.stderr, bad.stderr[-2000:]


def test_plain_http_gets_no_api(admin):
    host, port = public_identity(admin)
    try:
        answer = requests.get("http://%s:%d/v3" % (host, port), timeout=15)
    except requests.exceptions.ConnectionError:
        return  # HAProxy closed the connection: no API over plain HTTP
    assert answer.status_code >= 400 and '"version"' not in answer.text, (answer.status_code, answer.text[:300])


def test_dashboard_http_redirects_to_https(admin):
    host = public_identity(admin)[0]
    answer = requests.get("http://%s/auth/login/" % host, allow_redirects=False, timeout=15)
    assert answer.status_code == 301, (answer.status_code, answer.text[:300])
    assert answer.headers["Location"] == "https://%s/auth/login/" % host
    assert requests.get(answer.headers["Location"], timeout=60).status_code == 200


def test_a_certificate_near_its_end_is_issued_again_and_reloaded(admin):
    host, port = public_identity(admin)
    before = served_serial(host, port)
    # Due: a threshold beyond the certificate's end (365 days).
    renew = ansible_playbook("playbooks/certificates.yml", "-e", "ooo_tls_renew_days=400", "-e",
                             "ooo_tls_valid_days=500", timeout=600)
    output = renew.stdout + renew.stderr
    assert renew.returncode == 0, output[-3000:]
    assert "ends within 400 days" in output, output[-3000:]
    assert "Reload HAProxy" in output, "HAProxy did not reload the new certificate:\n" + output[-3000:]
    after = served_serial(host, port)
    assert after != before, "HAProxy still serves the old certificate"
    assert s_client(host, port, TLS_CA_FILE).returncode == 0
    # Not due: nothing is issued, nothing reloads.
    again = ansible_playbook("playbooks/certificates.yml", timeout=600)
    assert again.returncode == 0, (again.stdout + again.stderr)[-3000:]
    recap = [line for line in again.stdout.split("PLAY RECAP")[-1].splitlines() if line.startswith(CONTROLLER)]
    assert recap and "changed=0" in recap[0], again.stdout[-3000:]
    assert served_serial(host, port) == after


def test_the_undercloud_ca_signed_the_served_certificate(admin):
    """The served certificate names the public address and is signed by the CA's key."""
    host, port = public_identity(admin)
    certificate = verified_certificate(host, port)
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert host in [str(address) for address in names.get_values_for_type(x509.IPAddress)]
    ca = x509.load_pem_x509_certificate(TLS_CA_FILE.read_bytes())
    assert certificate.issuer == ca.subject
