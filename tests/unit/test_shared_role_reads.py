# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""The shared roles decide from one read whether their modules run: those decisions, rendered
by Ansible's templar from the roles' own vars files with recorded outputs of the reads."""

from __future__ import annotations

import pytest
from role_templates import decide


# --- service_db: databases, password and grants from one query -----------------------------

HASH = "*A9CA7E516496A704E391692A8038C85ECF406849"
NOVA_GRANTS = [
    "GRANT USAGE ON *.* TO `nova`@`%%` IDENTIFIED BY PASSWORD '%s'" % HASH,
    "GRANT ALL PRIVILEGES ON `nova`.* TO `nova`@`%`",
    "GRANT ALL PRIVILEGES ON `nova_api`.* TO `nova`@`%`",
    "GRANT ALL PRIVILEGES ON `nova_cell0`.* TO `nova`@`%`",
]


def db_as_wanted(lines, rc=0):
    return decide('service_db', '{{ __service_db_as_wanted }}',
                  service_db_databases=['nova_api', 'nova', 'nova_cell0'], service_db_user='nova',
                  service_db_password='x' * 32,
                  __service_db_probe={'rc': rc, 'stdout_lines': lines})


def test_db_everything_as_wanted():
    assert db_as_wanted(['3 1'] + NOVA_GRANTS) is True


@pytest.mark.parametrize('lines, rc', [
    (['2 1'] + NOVA_GRANTS, 0),                                 # a database is missing
    (['3 0'] + NOVA_GRANTS, 0),                                 # another password
    (['3 1'] + NOVA_GRANTS[:-1], 0),                            # a grant is missing
    (['3 1'] + NOVA_GRANTS + ["GRANT ALL PRIVILEGES ON `keystone`.* TO `nova`@`%`"], 0),  # one too many
    (['3 1', NOVA_GRANTS[0].replace('USAGE', 'SUPER')] + NOVA_GRANTS[1:], 0),             # a global privilege
    (['3 0'], 1),                                               # no such user: SHOW GRANTS fails
])
def test_db_anything_else_runs_the_modules(lines, rc):
    assert db_as_wanted(lines, rc) is False


def test_db_password_quotes_are_escaped_for_sql():
    sql = decide('service_db', '{{ __service_db_probe_sql }}', service_db_databases=['a'],
                 service_db_user='u', service_db_password="it's\\x" + 'y' * 16)
    assert "PASSWORD('it''s\\\\x" in sql


# --- service_packages: the installed packages and their versions ----------------------------

PROBED = {'stdout_lines': [
    'stale-policy-rc.d',
    'keystone installed 2:27.0.0-3+deb13u6',
    'python3-pymysql installed 1.1.1-1',
    'glance-common not-installed ',
    'nova-api config-files 2:31.0.0-6',
]}


def test_packages_found_are_the_installed_ones():
    found = decide('service_packages', '{{ __service_packages_found }}', __service_packages_result=PROBED)
    assert found == [['keystone', 'installed', '2:27.0.0-3+deb13u6'], ['python3-pymysql', 'installed', '1.1.1-1']]
    versions = decide('service_packages', '{{ __service_packages_found_versions }}', __service_packages_result=PROBED)
    assert versions == {'keystone': '2:27.0.0-3+deb13u6', 'python3-pymysql': '1.1.1-1'}


def test_packages_probe_reads_only_the_named_packages():
    argv = decide('service_packages', '{{ __service_packages_probe_argv }}',
                  service_packages_names=['keystone', 'python3-pymysql'], service_packages_also_read=['keystone'])
    assert argv[:2] == ['sh', '-c'] and argv[3:] == ['probe', 'keystone', 'python3-pymysql']


# --- service_db_sync: the record compared with what is installed and in the database -------

def test_db_sync_record_names_the_version_and_the_revisions():
    expected = decide('service_db_sync', '{{ __service_db_sync_expected }}', service_db_sync_name='keystone',
                      service_db_sync_package='keystone', service_db_sync_databases=['keystone'],
                      service_packages_versions={'keystone': '2:27.0.0-3'},
                      __service_db_sync_state={'stdout_lines': ['', 'keystone:47147121,c88cdce8f248, ']})
    assert expected == 'keystone=2:27.0.0-3 keystone:47147121,c88cdce8f248,'
    unknown = decide('service_db_sync', '{{ __service_db_sync_expected }}', service_db_sync_name='glance',
                     service_db_sync_package='glance-common', service_db_sync_databases=['glance'],
                     __service_db_sync_state={'stdout_lines': ['', 'glance:- ']})
    assert '?' in unknown  # no version known: never "current"
