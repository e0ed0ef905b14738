# -*- coding: utf-8 -*-
"""meta/runtime.yml and the doc fragments: every module is in the openstack action group and documents its options."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from ansible_collections.ooo.cloud.plugins.doc_fragments.openstack import ModuleDocFragment
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_config import openstack_argument_spec

ROOT = Path(__file__).resolve().parents[3]
MODULES = sorted(p.stem for p in (ROOT / 'plugins' / 'modules').glob('*.py') if p.stem != '__init__')


def documentation(module):
    tree = ast.parse((ROOT / 'plugins' / 'modules' / (module + '.py')).read_text())
    docs = {n.targets[0].id: n.value.value for n in tree.body
            if isinstance(n, ast.Assign) and getattr(n.targets[0], 'id', '') in ('DOCUMENTATION', 'RETURN')}
    return yaml.safe_load(docs['DOCUMENTATION']), yaml.safe_load(docs['RETURN'])


def test_every_module_is_in_the_action_group():
    runtime = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text())
    assert runtime['action_groups']['openstack'] == MODULES


def test_the_fragment_documents_the_connection_options():
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    spec = openstack_argument_spec()
    assert sorted(fragment['options']) == sorted(spec)
    assert sorted(fragment['options']['auth']['suboptions']) == sorted(spec['auth']['options'])
    assert fragment['attributes']['action_group']['membership'] == ['ooo.cloud.openstack']


@pytest.mark.parametrize('module', MODULES)
def test_module_docs_use_the_fragments(module):
    doc, returned = documentation(module)
    fragments = doc['extends_documentation_fragment']
    assert fragments[0] == 'ooo.cloud.openstack'
    if module.endswith('_info'):
        assert 'ooo.cloud.openstack.info' in fragments and 'state' not in doc.get('options', {})
        assert list(returned) == [module[:-len('_info')] + 's']  # the plural noun
    else:
        assert 'ooo.cloud.openstack.resource' in fragments
        assert 'state' not in doc.get('options', {})  # from the resource fragment
    assert not set(doc.get('options', {})) & set(openstack_argument_spec())
