# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
name: to_ini
short_description: Render a dict of sections as an INI (oslo.config) file
version_added: 0.1.0
description:
  - Every service role keeps its configuration as a dict of sections, each a dict of
    options, combines it recursively with the operator's C(*_overrides) dict and renders
    it with this filter. One rendering for every role, so every file looks the same.
  - The C(DEFAULT) section comes first, the others keep their order.
  - Booleans are written C(true)/C(false), lists are joined with commas, and an option
    whose value is C(None) (C(null) in YAML) is left out, which lets an override remove
    an option a role sets.
  - With O(oslo=true) every C($) is written as C($$), because oslo.config substitutes
    C($name) in values and a password holding a C($) would otherwise be read as something
    else. What the dict says is what the service reads.
options:
  _input:
    description: Sections, each a dict of option names to values.
    type: dict
    required: true
  oslo:
    description: The file is read by oslo.config, so C($) is escaped as C($$).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Write keystone.conf
  ansible.builtin.copy:
    dest: /etc/keystone/keystone.conf
    content: "{{ {'DEFAULT': {'debug': false}, 'token': {'provider': 'fernet'}} | ooo.cloud.to_ini }}"
    mode: "0640"
"""

RETURN = r"""
_value:
  description: The INI text, ending with a newline.
  type: str
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError


def _value(section, key, value, oslo=False):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_value(section, key, item, oslo) for item in value)
    if isinstance(value, Mapping):
        raise AnsibleFilterError("to_ini: [%s] %s is a dict; only scalars and lists can be written" % (section, key))
    text = str(value)
    if "\n" in text:
        raise AnsibleFilterError("to_ini: [%s] %s holds a newline" % (section, key))
    return text.replace("$", "$$") if oslo else text


def to_ini(sections, oslo=False):
    if not isinstance(sections, Mapping):
        raise AnsibleFilterError("to_ini: expected a dict of sections, got %s" % type(sections).__name__)
    names = list(sections)
    if "DEFAULT" in names:
        names.remove("DEFAULT")
        names.insert(0, "DEFAULT")
    chunks = []
    for name in names:
        options = sections[name]
        if options is None:
            continue
        if not isinstance(options, Mapping):
            raise AnsibleFilterError("to_ini: section [%s] must be a dict, got %s" % (name, type(options).__name__))
        lines = ["[%s]" % name]
        lines.extend("%s = %s" % (key, _value(name, key, value, oslo)) for key, value in options.items() if value is not None)
        chunks.append("\n".join(lines) + "\n")
    return "\n".join(chunks)


class FilterModule:
    def filters(self):
        return {"to_ini": to_ini}
