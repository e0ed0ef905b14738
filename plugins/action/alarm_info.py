# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Runs ooo.cloud.alarm_info in Ansible's worker on the deploy host (see plugin_utils/in_process.py)."""

from __future__ import annotations

from ansible_collections.ooo.cloud.plugins.plugin_utils.in_process import InProcessAction


class ActionModule(InProcessAction):
    pass
