# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""The action of every ooo.cloud module: run it inside Ansible's worker when it runs locally.

Every OpenStack module task runs on the deploy host (``connection: local`` or delegated to
``localhost``). Ansible would build the module's payload, start a Python interpreter and
import ``ansible.module_utils.basic`` for every task and loop item: most of a no-op task's
cost here (`make bench-modules`: 0.47 s a call as a module process, 0.097 s in the worker).
This action imports the module once per worker and calls its ``main()`` in the worker
itself, with the same arguments, check/diff/no_log flags and result handling as a normal
run (the module's JSON is parsed by Ansible's own code).

It falls back to Ansible's normal module execution whenever in-process would differ: a
remote or become connection, async, a task ``environment`` (the module reads ``OS_*``
variables), or ``ooo_cloud_in_process: false`` (a variable, for debugging).

Each module has an action plugin of its own name (plugins/action/<module>.py) that is this
class, so that Ansible and ansible-lint resolve the module's name to itself.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import traceback

from ansible.module_utils import basic
from ansible.module_utils.common import json as common_json
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash
from ansible.vars.clean import remove_internal_keys

PROFILE = 'legacy'  # the serialization profile of every ooo.cloud module


class InProcessAction(ActionBase):

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp  # no longer has any effect
        if self._can_run_in_process(task_vars):
            return merge_hash(result, self._run_in_process(task_vars))
        # What the `normal` action does.
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _can_run_in_process(self, task_vars):
        if not boolean(task_vars.get('ooo_cloud_in_process', True), strict=False):
            return False
        return (self._connection.transport == 'local' and not self._play_context.become
                and not self._task.async_val and not any(self._task.environment or []))

    def _run_in_process(self, task_vars):
        # The module is found as Ansible finds it (a short name with `collections:`, ...).
        module_name = self._shared_loader_obj.module_loader.find_plugin_with_context(
            self._task.action, collection_list=self._task.collections).resolved_fqcn
        module_args = dict(self._task.args)
        self._update_module_args(module_name, module_args, task_vars)
        module = importlib.import_module('ansible_collections.%s.plugins.modules.%s' % tuple(module_name.rsplit('.', 1)))

        encoder = common_json.get_module_encoder(PROFILE, common_json.Direction.CONTROLLER_TO_MODULE)
        saved = basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE
        basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': module_args}, cls=encoder).encode()
        basic._ANSIBLE_PROFILE = PROFILE
        module_warnings._global_warnings.clear()
        module_warnings._global_deprecations.clear()
        stdout = io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout):
                module.main()
        except SystemExit:
            pass  # exit_json and fail_json end with sys.exit() after printing the result
        except Exception as e:  # pylint: disable=broad-except
            return {'failed': True, 'msg': '%s raised %s: %s' % (module_name, type(e).__name__, e),
                    'exception': traceback.format_exc()}
        finally:
            basic._ANSIBLE_ARGS, basic._ANSIBLE_PROFILE = saved
            module_warnings._global_warnings.clear()
            module_warnings._global_deprecations.clear()

        data = self._parse_returned_data({'stdout': stdout.getvalue(), 'stderr': '', 'rc': 0}, PROFILE)
        remove_internal_keys(data)
        return data
