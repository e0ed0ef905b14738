# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Compatibility shim for openstack.cloud 2.5 with openstacksdk 4.x.

openstack.cloud's module_utils reads ``openstack.version.__version__`` right after
``import openstack``, but openstacksdk 4.22 no longer imports its ``version`` submodule from
``openstack/__init__.py``, so every module fails with "module 'openstack' has no attribute
'version'". The module benchmark puts this directory first on PYTHONPATH for its
openstack.cloud tasks; Python imports ``sitecustomize`` at start-up, which loads the submodule.
"""

try:
    import openstack.version  # noqa: F401  pylint: disable=unused-import
except ImportError:  # no openstacksdk: the modules report it themselves
    pass
