# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""How an overcloud node is recorded in the undercloud: Neutron ports with tags.

A node is one port per network, named ``<node>-<network>``, tagged ``ooo-overcloud``,
``ooo-node-<node>`` and ``ooo-role-<role>``. Shared by the ``overcloud_node`` module,
which writes them, and the ``overcloud`` inventory plugin, which reads them back.
"""

from __future__ import annotations

TAG = 'ooo-overcloud'
NODE_TAG = 'ooo-node-'
ROLE_TAG = 'ooo-role-'


def node_tags(name, role):
    return sorted([TAG, NODE_TAG + name, ROLE_TAG + role])


def port_name(node, network):
    return '%s-%s' % (node, network)


def nodes_from_ports(ports):
    """Node name -> {'role', 'addresses': {network: address}, 'ports': {network: port}}."""
    nodes = {}
    for port in ports:
        tags = port.get('tags') or []
        name = next((t[len(NODE_TAG):] for t in tags if t.startswith(NODE_TAG)), None)
        if name is None or not port.get('fixed_ips') or not port.get('name', '').startswith(name + '-'):
            continue
        network = port['name'][len(name) + 1:]
        node = nodes.setdefault(name, {'role': None, 'addresses': {}, 'ports': {}})
        node['role'] = next((t[len(ROLE_TAG):] for t in tags if t.startswith(ROLE_TAG)), node['role'])
        node['addresses'][network] = port['fixed_ips'][0]['ip_address']
        node['ports'][network] = port
    return nodes
