# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: systemd_units
short_description: The state of systemd units from one C(systemctl show) call
version_added: 0.1.0
description:
  - Reads the output of C(systemctl show --property=Id,ActiveState,UnitFileState UNIT...)
    into a dict keyed by unit name, so a role asks systemd once for
    all its units and calls C(ansible.builtin.systemd_service) only for those that are not
    as it wants them. One call instead of one module run per unit.
  - A unit systemd does not know is inactive and not enabled.
options:
  _input:
    description: The standard output of C(systemctl show) with at least C(Id), C(ActiveState)
      and C(UnitFileState).
    type: str
    required: true
  names:
    description:
      - The unit names given to C(systemctl show), in the same order; the result is keyed by
        them as given. Without it the result is keyed by C(Id) (C(.service) left off), which
        for an alias (C(mysql)) is the unit it stands for (C(mariadb)).
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Read the state of the services
  ansible.builtin.command:
    argv: [systemctl, show, "--property=Id,ActiveState,UnitFileState", nova-api, nova-conductor]
  register: units_read
  changed_when: false
  check_mode: false

- name: Start what does not run
  ansible.builtin.systemd_service:
    name: "{{ item }}"
    state: started
    enabled: true
  loop: [nova-api, nova-conductor]
  when: not (units_read.stdout | ooo.cloud.systemd_units(['nova-api', 'nova-conductor']))[item].running
"""

RETURN = r"""
_value:
  description: For each unit, C(active) (it runs), C(enabled) (it starts at boot, or with
    what it belongs to), C(running) (both), and systemd's own C(ActiveState) and
    C(UnitFileState).
  type: dict
"""

from ansible.errors import AnsibleFilterError

# The unit-file states `systemctl is-enabled` answers 0 for: the unit starts with the boot or
# with what pulls it in, so systemd_service(enabled=true) has nothing to do.
ENABLED_STATES = frozenset(("enabled", "enabled-runtime", "static", "alias", "indirect", "generated"))


def _short(name):
    return name[:-len(".service")] if name.endswith(".service") else name


def systemd_units(text, names=None):
    if not isinstance(text, str):
        raise AnsibleFilterError("systemd_units: expected the text systemctl show printed, got %s"
                                 % type(text).__name__)
    # systemctl show separates the units with an empty line, in the order they were named.
    blocks = [dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
              for block in text.strip().split("\n\n") if block.strip()]
    if names is not None:
        names = list(names)  # a Jinja map() is a generator
    if names is not None and len(names) != len(blocks):
        raise AnsibleFilterError("systemd_units: %d units named but systemctl show described %d"
                                 % (len(names), len(blocks)))
    units = {}
    for index, props in enumerate(blocks):
        if names is not None:
            name = names[index]
        elif "Id" in props:
            name = _short(props["Id"])
        else:
            continue
        active = props.get("ActiveState", "") == "active"
        enabled = props.get("UnitFileState", "") in ENABLED_STATES
        units[name] = {"active": active, "enabled": enabled, "running": active and enabled,
                       "ActiveState": props.get("ActiveState", ""),
                       "UnitFileState": props.get("UnitFileState", "")}
    return units


class FilterModule:
    def filters(self):
        return {"systemd_units": systemd_units}
