# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""A role's expressions rendered by Ansible's templar, as a play would, without a play."""

from __future__ import annotations

from pathlib import Path

import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

ROLES = Path(__file__).resolve().parents[2] / 'roles'


def decide(role, expression, **values):
    """`expression` rendered with the role's defaults and vars plus `values`."""
    variables = {}
    for part in ('defaults', 'vars'):
        path = ROLES / role / part / 'main.yml'
        if path.exists():
            with open(path, encoding='utf-8') as f:
                variables.update(yaml.safe_load(f) or {})
    variables = {k: trust_as_template(v) if isinstance(v, str) else v for k, v in variables.items()}
    variables.update(values)
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(expression))
