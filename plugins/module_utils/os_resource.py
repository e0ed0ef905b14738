# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)
"""Base classes of the ooo.cloud OpenStack modules.

``OpenStackModule`` merges the common connection options into the module's
argument spec, builds the client lazily, resolves references (name or id) to
other resources and turns OpenStackError into ``fail_json``.

``ResourceModule`` is the state machine of a resource module. A subclass
declares

* ``kind``: its ``KINDS`` entry (``project``, ``network``): the REST collection of the
  default ``create``/``update``/``delete``/``action``/``fetch``, and the key the resource is
  returned under (``noun``, which a subclass without a collection of its own sets instead);
* ``fields``: module option -> API field, for options copied as they are;
* ``updatable``: API fields that can change in place; any other difference
  fails naming the option;
* hooks ``find()``, ``desired()`` (optional), and ``create(desired)``,
  ``update(current, changes)``, ``delete(current)`` where the defaults do not fit.

and the base looks up the resource, computes the differences, predicts the
result in check mode without any write call (the client refuses writes in
check mode), builds the diff (before/after with only the managed fields) and
returns ``changed``, ``diff`` and the resource. For an asynchronous API (Cinder,
Nova) the hooks call ``action()`` (a POST to the resource's ``/action``) and
``wait_status()`` (its ``status`` polled until ready; an error status fails naming
the resource, the status and ``fault()``, the reason the API gives).
"""

from __future__ import annotations

import json
import re
import traceback
from urllib.parse import quote

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ooo.cloud.plugins.module_utils.openstack import UUID_RE, connect, wait_for
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_config import openstack_argument_spec
from ansible_collections.ooo.cloud.plugins.module_utils.openstack_errors import OpenStackError, not_found_message

# kind -> how to find it: service, collection path, response keys, list path,
# whether the API filters on ?name=, the name field; the HTTP method of an update
# (Keystone's is PATCH).
KINDS = {
    'domain': dict(service='identity', path='/domains', key='domain', plural='domains', update='patch'),
    'project': dict(service='identity', path='/projects', key='project', plural='projects', update='patch', scoped_by='domain_id'),
    'user': dict(service='identity', path='/users', key='user', plural='users', update='patch', scoped_by='domain_id'),
    'group': dict(service='identity', path='/groups', key='group', plural='groups', update='patch', scoped_by='domain_id'),
    'role': dict(service='identity', path='/roles', key='role', plural='roles', update='patch'),
    'service': dict(service='identity', path='/services', key='service', plural='services', update='patch'),
    'endpoint': dict(service='identity', path='/endpoints', key='endpoint', plural='endpoints', update='patch'),
    'image': dict(service='image', path='/images', key=None, plural='images'),
    'flavor': dict(service='compute', path='/flavors', key='flavor', plural='flavors', list_path='/flavors/detail',
                   name_filter=False, list_params={'is_public': 'None'}),
    'server': dict(service='compute', path='/servers', key='server', plural='servers', list_path='/servers/detail',
                   regex_name=True),
    'network': dict(service='network', path='/networks', key='network', plural='networks'),
    'subnet': dict(service='network', path='/subnets', key='subnet', plural='subnets'),
    'port': dict(service='network', path='/ports', key='port', plural='ports'),
    'router': dict(service='network', path='/routers', key='router', plural='routers'),
    'security_group': dict(service='network', path='/security-groups', key='security_group',
                           plural='security_groups'),
    'floating_ip': dict(service='network', path='/floatingips', key='floatingip', plural='floatingips'),
    'volume': dict(service='block-storage', path='/volumes', key='volume', plural='volumes', list_path='/volumes/detail'),
    'volume_snapshot': dict(service='block-storage', path='/snapshots', key='snapshot', plural='snapshots',
                            list_path='/snapshots/detail'),
    'volume_type': dict(service='block-storage', path='/types', key='volume_type', plural='volume_types',
                        name_filter=False, list_params={'is_public': 'None'}),
}


def _norm(value):
    """A comparable form: lists of dicts sorted, dict keys sorted."""
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_norm(v) for v in value]
    return value


def _sorted(value):
    return sorted((_norm(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True, default=str))


class ReferenceGone(OpenStackError):
    """A resource that another is found by does not exist (with state=absent: neither does the other)."""


def is_id(value):
    return bool(UUID_RE.match(str(value)))


class OpenStackModule:
    """Common part of every module: options, client, references, errors."""

    argument_spec = {}
    module_kwargs = {}
    supports_check_mode = True

    def __init__(self):
        spec = openstack_argument_spec()
        spec.update(self.argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, supports_check_mode=self.supports_check_mode,
                                     **self.module_kwargs)
        self.params = self.ansible.params
        self.check_mode = self.ansible.check_mode
        self.results = {'changed': False}
        self._client = None
        self._cache = {}

    @property
    def client(self):
        if self._client is None:
            self._client = connect(self.params, read_only=self.check_mode)
        return self._client

    def fail(self, msg, **kwargs):
        self.close()
        self.ansible.fail_json(msg=msg, **kwargs)

    def run(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self):
        try:
            self.run()
        except OpenStackError as e:
            self.fail(e.msg)
        except Exception as e:  # pylint: disable=broad-except
            self.fail('%s: %s' % (type(e).__name__, e), exception=traceback.format_exc())
        self.close()
        self.ansible.exit_json(**self.results)

    def close(self):
        """Close the API connections (the module may run inside Ansible's worker)."""
        if self._client is not None:
            self._client.transport.close()

    # -- references
    def find_one(self, kind, value, filters=None, required=True, label=None, query=None):
        """The resource of ``kind`` named or identified by ``value``.

        Names are matched exactly; several matches fail; nothing found fails
        with close matches (unless ``required`` is false: None). ``filters`` are
        fields of the resource, sent with the list call and compared; ``query``
        holds more parameters of the list call that are not (Cinder's ``all_tenants``).
        """
        if value is None:
            return None
        if isinstance(value, dict):
            return value
        value = str(value)
        filters = {k: v for k, v in (filters or {}).items() if v is not None}
        query = {k: v for k, v in (query or {}).items() if v is not None}
        ckey = (kind, value, json.dumps(filters, sort_keys=True), json.dumps(query, sort_keys=True))
        if ckey in self._cache:
            return self._cache[ckey]
        k = KINDS[kind]
        label = label or kind.replace('_', ' ')
        found = None
        if is_id(value) or kind == 'domain':
            found = self._get_by_id(k, value)
            if found is not None and any(str(found.get(f)).lower() != str(v).lower() for f, v in filters.items()):
                found = None
        if found is None:
            if k.get('name_filter', True):
                params = dict(k.get('list_params') or {}, **dict(query, **filters))
                params['name'] = '^%s$' % re.sub(r'([.^$*+?{}\[\]\\|()])', r'\\\1', value) if k.get('regex_name') else value
                items = self.client.list(k['service'], k.get('list_path', k['path']), k['plural'], params)
            else:
                items = self.list_all(kind, dict(query, **filters))
            matches = [i for i in items if i.get('name') == value or (not k.get('name_filter', True) and i.get('id') == value)]
            if len(matches) > 1:
                ids = ', '.join(str(m.get('id')) for m in matches)
                self.fail("%s name '%s' is ambiguous: %d matches (%s); use an id" % (label, value, len(matches), ids))
            if matches:
                found = matches[0]
        if found is None and not is_id(value) and kind != 'domain' and k.get('name_filter', True):
            found = self._get_by_id(k, value)  # ids that are not UUIDs (Nova flavors, Keystone)
            if found is not None and any(str(found.get(f)).lower() != str(v).lower() for f, v in filters.items()):
                found = None
        if found is None and required:
            names = [i.get('name') for i in self.list_all(kind, dict(query, **filters))]
            if self.params.get('state') == 'absent':
                raise ReferenceGone(not_found_message(label, value, names))
            self.fail(not_found_message(label, value, names))
        self._cache[ckey] = found
        return found

    def _get_by_id(self, k, value):
        data = self.client.get(k['service'], '%s/%s' % (k['path'], quote(value, safe='')))
        if data is None:
            return None
        return data if k['key'] is None else data.get(k['key'])

    def list_all(self, kind, filters=None):
        k = KINDS[kind]
        params = dict(k.get('list_params') or {}, **(filters or {}))
        return self.client.list(k['service'], k.get('list_path', k['path']), k['plural'], params)

    def resolve_domain(self, value):
        """Id of a domain; the id ``default`` is taken as it is (no lookup)."""
        if value == 'default':
            return value
        return self.find_id('domain', value)

    def find_id(self, kind, value, filters=None, label=None):
        obj = self.find_one(kind, value, filters=filters, label=label)
        return obj['id'] if obj else None


class ResourceModule(OpenStackModule):
    """State machine of a resource with ``state: present|absent``."""

    fields = {}          # option -> API field
    updatable = ()       # API fields that change in place
    unordered = ()       # API fields compared as sets (lists)
    subset = ()          # API fields (dicts) where only the given keys are compared
    name_option = 'name'
    # The KINDS entry of the resource: its REST collection serves the default create
    # (POST), update (PUT, PATCH for Keystone) and delete.
    kind = None
    view_keys = None     # keys of the object returned to the user (None: all of them)

    @property
    def noun(self):
        """The key the resource is returned under (its kind unless a subclass says)."""
        return self.kind or 'resource'

    def __init__(self):
        self.argument_spec = dict(self.argument_spec)
        self.argument_spec.setdefault('state', dict(type='str', default='present', choices=['absent', 'present']))
        super().__init__()
        self.option_of = {v: k for k, v in self.fields.items()}

    # -- hooks
    def find(self):
        raise NotImplementedError  # pragma: no cover

    def desired(self):
        """API fields wanted, from the options that were given (not None)."""
        return {field: self.params[opt] for opt, field in self.fields.items() if self.params.get(opt) is not None}

    def create(self, desired):
        k = KINDS[self.kind]
        return self.client.post(k['service'], k['path'], {k['key']: desired})[k['key']]

    def update(self, current, changes):
        k = KINDS[self.kind]
        send = getattr(self.client, k.get('update', 'put'))
        return send(k['service'], self.item_path(current), {k['key']: changes})[k['key']]

    def delete(self, current):
        self.client.delete(KINDS[self.kind]['service'], self.item_path(current))

    def item_path(self, current):
        return '%s/%s' % (KINDS[self.kind]['path'], quote(current['id'], safe=''))

    def fetch(self, current):
        """The resource read again by its id (None once it is gone)."""
        return self._get_by_id(KINDS[self.kind], current['id'])

    def action(self, current, body):
        """POST ``body`` to the resource's ``/action`` (Nova, Cinder), e.g. ``{'os-extend': {'new_size': 2}}``."""
        return self.client.post(KINDS[self.kind]['service'], self.item_path(current) + '/action', body)

    def fault(self, obj):
        """Why ``obj`` went to an error status, as the API tells it ('' when it does not)."""
        return ''

    def wait_status(self, current, ready, failed=('error',), fetch=None):
        """Wait until the ``status`` of the resource is in ``ready`` (None in ``ready``: until it is gone).

        Waits for the ``timeout`` option (300 s without one) and returns the resource; a status in
        ``failed`` raises an error naming the resource, its status and its ``fault()``.
        """
        fetch = fetch or (lambda: self.fetch(current))
        try:
            return wait_for(fetch, ready=ready, failed=failed, timeout=self.params.get('timeout') or 300,
                            what='%s (%s)' % (self.resource_label(current), current.get('id')))
        except OpenStackError as e:
            obj = e.body if isinstance(e.body, dict) else None
            if obj is None or str(obj.get('status')).upper() not in {s.upper() for s in failed}:
                raise
            why = self.fault(obj)
            raise OpenStackError('%s (%s) went to status %s%s' % (self.resource_label(current), current.get('id'),
                                                                  obj.get('status'), ': ' + why if why else ''),
                                 body=obj) from None

    def view(self, obj):
        """What is returned to the user: the API object, or its ``view_keys``."""
        if self.view_keys is None:
            return obj
        return {key: obj.get(key) for key in self.view_keys if key in obj}

    def validate(self):
        """Checks of the input before any API call."""

    def predict(self, current, desired):
        """The resource as it would be after create/update (check mode)."""
        out = dict(current or {})
        out.update(desired)
        return out

    # -- comparison
    def equal(self, field, current, wanted):
        if field in self.subset and isinstance(wanted, dict):
            current = current or {}
            return all(_norm(current.get(k)) == _norm(v) for k, v in wanted.items())
        if field in self.unordered and isinstance(wanted, (list, tuple)):
            return _sorted(current or []) == _sorted(wanted)
        return _norm(current) == _norm(wanted)

    def differences(self, current, desired):
        return {f: v for f, v in desired.items() if not self.equal(f, current.get(f), v)}

    def option_name(self, field):
        return self.option_of.get(field, field)

    def resource_label(self, current=None):
        name = (current or {}).get('name') or self.params.get(self.name_option)
        return "%s '%s'" % (self.noun.replace('_', ' '), name)

    def check_updatable(self, current, changes):
        bad = [f for f in changes if f not in self.updatable]
        if bad:
            details = '; '.join('%s: %s -> %s' % (self.option_name(f), json.dumps(current.get(f), default=str),
                                                  json.dumps(changes[f], default=str)) for f in bad)
            self.fail('%s cannot be updated in place: %s (%s); delete and recreate it to change %s'
                      % (self.resource_label(current), ', '.join(self.option_name(f) for f in bad), details,
                         'it' if len(bad) == 1 else 'them'))

    def diff_view(self, obj, fields):
        if not obj:
            return {}
        return {f: obj.get(f) for f in sorted(fields)}

    # -- the state machine
    def run(self):
        self.validate()
        state = self.params['state']
        try:
            current = self.find()
        except ReferenceGone:
            if state != 'absent':
                raise
            current = None  # e.g. a subnet of a network deleted already
        if state == 'absent':
            if current is not None:
                self.results['changed'] = True
                self.results['diff'] = {'before': self.diff_view(current, self.diff_fields(current, {})), 'after': {}}
                if not self.check_mode:
                    self.delete(current)
            self.results[self.noun] = None
            return
        desired = self.desired()
        if current is None:
            self.results['changed'] = True
            self.results['diff'] = {'before': {}, 'after': self.diff_view(desired, desired.keys())}
            obj = self.predict(None, desired) if self.check_mode else self.create(desired)
        else:
            changes = self.differences(current, desired)
            self.check_updatable(current, changes)
            fields = self.diff_fields(current, desired)
            after = dict(current)
            after.update(changes)
            self.results['diff'] = {'before': self.diff_view(current, fields), 'after': self.diff_view(after, fields)}
            if changes:
                self.results['changed'] = True
                obj = self.predict(current, changes) if self.check_mode else self.update(current, changes)
            else:
                obj = current
        self.results[self.noun] = self.view(obj)

    def diff_fields(self, current, desired):
        fields = set(desired) | {'name'}
        fields |= {f for f in self.fields.values() if f in (current or {})}
        return fields


class InfoModule(OpenStackModule):
    """List resources of ``kind`` under ``plural``, by name or id and filters."""

    kind = 'project'
    plural = 'projects'
    argument_spec = dict(
        filters=dict(type='dict'),
        name=dict(type='str', aliases=['id']),
    )

    def extra_filters(self):
        return {}

    def extra_query(self):
        """Parameters of the list call that are not fields of the resource (see ``find_one``)."""
        return {}

    def view(self, obj):
        return obj

    def run(self):
        filters = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in (self.params.get('filters') or {}).items()}
        filters.update(self.extra_filters())
        query = self.extra_query()
        if self.params.get('name'):
            obj = self.find_one(self.kind, self.params['name'], filters=filters, required=False, query=query)
            items = [obj] if obj else []
        else:
            items = self.list_all(self.kind, dict(query, **filters))
        self.results[self.plural] = [self.view(i) for i in items]
