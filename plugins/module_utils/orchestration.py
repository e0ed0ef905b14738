# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""What the stack and stack_info modules share: Heat's templates, parameters and stack view."""

from __future__ import annotations

import json

from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError

SERVICE = 'orchestration'
CHANGE_KINDS = ('added', 'updated', 'replaced', 'deleted', 'unchanged')
ENV_SECTIONS = ('parameters', 'parameter_defaults', 'resource_registry')


def load_template(text, source):
    """A HOT or CloudFormation template from YAML or JSON text, as Heat parses it.

    Heat's loader keeps ``heat_template_version: 2018-08-31`` a string, where PyYAML makes it a
    date; a syntax error names the source, line and column.
    """
    import yaml  # pylint: disable=import-outside-toplevel

    class Loader(yaml.SafeLoader):  # pylint: disable=too-many-ancestors
        pass
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != 'tag:yaml.org,2002:timestamp']
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    try:
        data = yaml.load(text, Loader=Loader)  # nosec B506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, 'problem_mark', None)
        where = ' at line %d, column %d' % (mark.line + 1, mark.column + 1) if mark else ''
        problem = getattr(e, 'problem', None) or str(e)
        raise OpenStackError('%s is not valid YAML or JSON%s: %s' % (source, where, problem)) from None
    if not isinstance(data, dict):
        raise OpenStackError('%s is not a template: its top level is a %s, not a mapping'
                             % (source, type(data).__name__))
    return data


def param_text(value):
    """A parameter value as Heat shows it (a string)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return ','.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def param_equal(current, wanted):
    if current == '******':  # hidden: Heat does not show it
        return True
    if isinstance(wanted, dict):
        try:
            return json.loads(current) == wanted
        except (TypeError, ValueError):
            return False
    if isinstance(wanted, bool):
        return str(current).lower() == str(wanted).lower()
    if isinstance(wanted, (list, tuple)):
        try:  # Heat shows a json-typed list as JSON, a comma_delimited_list as text
            if json.loads(current) == list(wanted):
                return True
        except (TypeError, ValueError):
            pass
    return str(current) == param_text(wanted)


def merge(base, extra):
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def stack_view(obj):
    """What the stack and stack_info modules return of a Heat stack."""
    return {
        'id': obj.get('id'),
        'name': obj.get('stack_name'),
        'status': obj.get('stack_status'),
        'status_reason': obj.get('stack_status_reason'),
        'description': obj.get('description'),
        'parameters': obj.get('parameters') or {},
        'outputs': {o['output_key']: o.get('output_value') for o in obj.get('outputs') or []},
        'tags': obj.get('tags') or [],
        'creation_time': obj.get('creation_time'),
        'updated_time': obj.get('updated_time'),
    }
