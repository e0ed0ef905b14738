"""The dashboard (Horizon, roles/horizon) in a real browser: Debian's chromium, headless,
driven by selenium through Debian's chromium-driver.

The deployment's contract: the demo user logs in and sees its server ACTIVE, its network
topology and, for each service the catalog has, the volumes, containers and stacks pages; a
wrong password is refused without a session; logging out ends the session on the server; the
admin sees both computes among the hypervisors. A screenshot of every page goes to
.cache/e2e/dashboard/.

The dashboard's URL: OOO_DASHBOARD_URL when set (e.g. http://10.213.1.20:8088/, Horizon
itself on the controller's internal address), else https://<ooo_public_vip>/ (HAProxy's
frontend; http:// when ooo_public_tls is off) from the lab inventory. The browser accepts the
dashboard's key by its hash (--ignore-certificate-errors-spki-list) after this test verified
the served certificate against the CA: chromium has no CA store of its own to add it to.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import openstack.config
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ooo_testlib import ROOT, group_hosts, inventory, verified_certificate

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / ".cache" / "e2e" / "dashboard"
COMPUTES = ("overcloud-compute-0", "overcloud-compute-1")
CONTAINER = "e2e-dashboard"
# The header's menu of the user logged in.
USER_MENU = "li.user-menu"
# The first page after a (re)start loads Django and Horizon in a uwsgi process.
TIMEOUT = 60


def dashboard_url():
    """OOO_DASHBOARD_URL, or the public address and HAProxy's port from the inventory."""
    url = os.environ.get("OOO_DASHBOARD_URL")
    if url:
        return url if url.endswith("/") else url + "/"
    listed = inventory()
    controller = sorted(group_hosts(listed, "overcloud_controller"))[0]
    hostvars = listed["_meta"]["hostvars"][controller]
    address = str(hostvars.get("ooo_public_vip", ""))
    if not address or "{{" in address:
        # ansible-inventory does not template: the lab's public VIP is the controller's external address.
        address = hostvars["ooo_node_addresses"]["external"]
    # HTTPS on 443 with ooo_public_tls (roles/horizon/defaults: horizon_public_port).
    scheme, default_port = ("https", 443) if hostvars.get("ooo_public_tls") is True else ("http", 80)
    port = int(hostvars.get("horizon_public_port", default_port))
    return "%s://%s%s/" % (scheme, address, "" if port == default_port else ":%d" % port)


def verified_key_hash(url):
    """The base64 SHA-256 of the public key the dashboard serves, once its certificate verified
    against the clouds' CA for the URL's host."""
    parts = urlparse(url)
    certificate = verified_certificate(parts.hostname, parts.port or 443)
    spki = certificate.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="module", autouse=True)
def dashboard_deployed():
    """Horizon is part of the overcloud when playbooks/vars/overcloud.yml enables it."""
    plan = yaml.safe_load((ROOT / "playbooks" / "vars" / "overcloud.yml").read_text())
    if not os.environ.get("OOO_DASHBOARD_URL") and not plan.get("ooo_horizon_enabled", False):
        pytest.skip("ooo_horizon_enabled is not true in playbooks/vars/overcloud.yml and OOO_DASHBOARD_URL "
                    "is not set: no dashboard to test")


def credentials(cloud):
    """The user name and password of a clouds.yaml entry."""
    auth = openstack.config.OpenStackConfig().get_one(cloud=cloud).auth
    return auth["username"], auth["password"]


def in_catalog(conn, service_type):
    return any(entry.get("type") == service_type for entry in conn.service_catalog)


class Dashboard:
    """One headless chromium on the dashboard, logged in as one user at a time."""

    def __init__(self, driver, url):
        self.driver, self.url = driver, url
        self.user = None

    def open(self, path):
        self.driver.get(urljoin(self.url, path))

    def path(self):
        return urlparse(self.driver.current_url).path

    def wait(self, what, condition, timeout=TIMEOUT):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.5).until(lambda _: condition())
        except TimeoutException:
            shot = self.screenshot("timeout-" + re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-")[:60])
            raise AssertionError("timed out after %ds waiting for %s at %s (screenshot %s)"
                                 % (timeout, what, self.driver.current_url, shot)) from None

    def screenshot(self, name):
        """The whole page (the window stretched to its height for the shot) as <name>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / ("%s.png" % name)
        size = self.driver.get_window_size()
        page, viewport = self.driver.execute_script(
            "return [document.documentElement.scrollHeight, window.innerHeight]")
        # The window is taller than its viewport by the browser's own frame.
        self.driver.set_window_size(size["width"], min(size["height"] + max(page - viewport, 0), 4000))
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.set_window_size(size["width"], size["height"])
        return path

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def submit_login(self, username, password):
        """Fill in and send the login form, from a browser without cookies."""
        self.driver.delete_all_cookies()
        self.user = None
        self.open("auth/login/")
        self.wait("the login form", lambda: self.css("#id_username") and self.css("#loginBtn"))
        self.css("#id_username")[0].send_keys(username)
        self.css("#id_password")[0].send_keys(password)
        self.css("#loginBtn")[0].click()

    def login(self, cloud):
        """Log in as the user of a clouds.yaml entry (unless already)."""
        if self.user == cloud:
            return
        username, password = credentials(cloud)
        self.submit_login(username, password)
        self.wait("%s's login to leave the login page" % username,
                  lambda: not self.path().startswith("/auth/login") or self.errors())
        assert not self.path().startswith("/auth/login"), (
            "%s could not log in: %s" % (username, "; ".join(self.errors())))
        self.wait("%s's user menu" % username, lambda: username in " ".join(menu.text for menu in self.css(USER_MENU)))
        self.user = cloud

    def errors(self):
        """The error messages the page shows (Horizon's alerts and toasts)."""
        return [alert.text.strip() for alert in self.css(".alert-danger") if alert.is_displayed()]

    def page(self, path, title, name):
        """Open a page, wait until its header shows `title`, keep a screenshot; no errors shown."""
        self.open(path)
        self.shown(name, "the page header '%s'" % title,
                   lambda: any(title in header.text for header in self.css(".page-header")))

    def shown(self, name, what, condition):
        """Wait until the page shows `what`, keep a screenshot as <name>.png; no errors shown."""
        self.wait(what, condition)
        self.screenshot(name)
        assert not self.errors(), "%s shows errors: %s" % (self.driver.current_url, "; ".join(self.errors()))

    def topology(self):
        """The names of the networks and devices the network topology page draws."""
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('#flatTopologyCanvasContainer #topology_canvas g.network,"
            " #flatTopologyCanvasContainer #topology_canvas g.device'))"
            ".map(function (node) { return node.__data__ ? node.__data__.name : null; });") or []

    def row(self, name):
        """The text of a table row whose object is named `name` ('' while there is none)."""
        rows = self.driver.find_elements(By.XPATH, "//tr[@data-display='%s']" % name)
        return rows[0].text if rows else ""

    def redirected_to_login(self, path):
        """Whether a protected page sends this browser to the login page."""
        self.open(path)
        self.wait("a page to load", lambda: self.driver.execute_script("return document.readyState") == "complete")
        return self.path().startswith("/auth/login")


@pytest.fixture(scope="module")
def dashboard():
    for program in (CHROMIUM, CHROMEDRIVER):
        assert program.exists(), "%s is missing: `make deps` installs chromium and chromium-driver" % program
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    # As root (the deploy host runs make test as root) chromium needs --no-sandbox.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1000", "--lang=en-US"):
        options.add_argument(argument)
    url = dashboard_url()
    if url.startswith("https://"):
        options.add_argument("--ignore-certificate-errors-spki-list=" + verified_key_hash(url))
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    yield Dashboard(driver, url)
    driver.quit()


@pytest.fixture(scope="module")
def demo_container(demo):
    """A container of the demo project for the containers page (when Swift is deployed)."""
    if not in_catalog(demo, "object-store"):
        yield None
        return
    demo.object_store.create_container(CONTAINER)
    yield CONTAINER
    demo.object_store.delete_container(CONTAINER)


def test_demo_instances_lists_demo_server_active(dashboard, demo):
    server = demo.compute.find_server("demo-server", ignore_missing=False)
    assert server.status == "ACTIVE", "demo-server is %s in the API" % server.status
    dashboard.login("overcloud-demo")
    dashboard.page("project/instances/", "Instances", "instances")
    dashboard.wait("demo-server's row", lambda: dashboard.row("demo-server"))
    assert "Active" in dashboard.row("demo-server"), dashboard.row("demo-server")


def test_demo_network_topology_renders(dashboard, demo):
    server = demo.compute.find_server("demo-server", ignore_missing=False)
    networks = sorted(server.addresses)
    dashboard.login("overcloud-demo")
    dashboard.open("project/network_topology/")
    # The topology tab (SVG) draws each network and each device on it (routers, servers); the
    # labels are cut short, the names are in the elements' data.
    dashboard.shown("network_topology", "demo-server and its network%s %s in the topology"
                    % ("s" if len(networks) > 1 else "", ", ".join(networks)),
                    lambda: {"demo-server", *networks} <= set(dashboard.topology()))


def test_demo_volumes_renders(dashboard, demo):
    if not in_catalog(demo, "volumev3"):
        pytest.skip("no volumev3 in the catalog: Cinder is not deployed")
    dashboard.login("overcloud-demo")
    dashboard.page("project/volumes/", "Volumes", "volumes")
    dashboard.wait("demo-volume's row", lambda: dashboard.row("demo-volume"))


def test_demo_containers_renders(dashboard, demo, demo_container):
    if demo_container is None:
        pytest.skip("no object-store in the catalog: Swift is not deployed")
    dashboard.login("overcloud-demo")
    dashboard.page("project/containers/", "Containers", "containers")
    # An Angular page: the container list comes from Swift through Horizon's REST API.
    dashboard.shown("containers", "the container %s in the list" % demo_container,
                    lambda: any(title.text.strip() == demo_container
                                for title in dashboard.css(".hz-container-accordion .hz-container-title")))


def test_demo_stacks_renders(dashboard, demo):
    if not in_catalog(demo, "orchestration"):
        pytest.skip("no orchestration in the catalog: Heat is not deployed")
    dashboard.login("overcloud-demo")
    dashboard.page("project/stacks/", "Stacks", "stacks")
    assert dashboard.css("table#stacks"), "the stacks table is missing"


def test_wrong_password_shows_the_error_and_gives_no_session(dashboard):
    username = credentials("overcloud-demo")[0]
    dashboard.submit_login(username, "not-the-password")
    dashboard.wait("the login error", dashboard.errors)
    dashboard.screenshot("login_wrong_password")
    assert dashboard.path().startswith("/auth/login"), dashboard.driver.current_url
    assert any("Invalid credentials" in message for message in dashboard.errors()), dashboard.errors()
    assert not dashboard.css(USER_MENU), "the login page shows a logged-in user's menu"
    # openstack_auth keeps an anonymous session for the login form (the auth type it offered):
    # a cookie may be there, but it opens nothing.
    assert dashboard.redirected_to_login("project/instances/"), "a failed login reached a protected page"


def test_logout_ends_the_session(dashboard):
    dashboard.login("overcloud-demo")
    session = dashboard.driver.get_cookie("sessionid")
    assert session, "a logged-in browser has no session cookie"
    dashboard.open("auth/logout/")
    dashboard.user = None
    dashboard.wait("the login page after logout", lambda: dashboard.css("#loginBtn"))
    dashboard.screenshot("logout")
    assert dashboard.redirected_to_login("project/instances/"), "a protected page opened after logout"
    # The old cookie, sent again, opens nothing either: the session is gone on the server.
    dashboard.driver.add_cookie({"name": "sessionid", "value": session["value"], "path": "/"})
    assert dashboard.redirected_to_login("project/instances/"), "the logged-out session cookie still works"


def test_admin_hypervisors_lists_both_computes(dashboard):
    dashboard.login("overcloud")
    dashboard.page("admin/hypervisors/", "All Hypervisors", "hypervisors")
    table = dashboard.wait("the hypervisors table", lambda: dashboard.css("table#hypervisors"))[0]
    missing = [name for name in COMPUTES if name not in table.text]
    assert not missing, "the hypervisors page lacks %s:\n%s" % (", ".join(missing), table.text)
