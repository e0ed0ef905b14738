# -*- coding: utf-8 -*-
from __future__ import annotations

from ansible_collections.ooo.cloud.plugins.modules import catalog_service, endpoint


def test_service_create_noop_update_delete(cloud, run):
    args = {'name': 'glance', 'service_type': 'image', 'description': 'Image'}
    res = run(catalog_service.main, args)
    assert res['changed'] is True
    assert res['service']['type'] == 'image'
    assert res['diff'] == {'before': {}, 'after': {'name': 'glance', 'type': 'image', 'description': 'Image',
                                                   'enabled': True}}
    res = run(catalog_service.main, args)
    assert res['changed'] is False
    assert cloud.writes() == [('POST', 'keystone/v3/services')]

    res = run(catalog_service.main, dict(args, description='Images'))
    assert res['changed'] is True
    assert res['diff']['before']['description'] == 'Image' and res['diff']['after']['description'] == 'Images'
    assert cloud.items('keystone', '/v3/services')[0]['description'] == 'Images'

    res = run(catalog_service.main, dict(args, state='absent'))
    assert res['changed'] is True and res['service'] is None
    assert cloud.items('keystone', '/v3/services') == []
    assert run(catalog_service.main, dict(args, state='absent'))['changed'] is False


def test_service_of_another_type_is_another_service(cloud, run):
    cloud.add('keystone', '/v3/services', {'name': 'glance', 'type': 'image'})
    res = run(catalog_service.main, {'name': 'glance', 'type': 'image-v3'})
    assert res['changed'] is True
    assert len(cloud.items('keystone', '/v3/services')) == 2


def test_service_check_mode_makes_no_write(cloud, run):
    res = run(catalog_service.main, {'name': 'nova', 'service_type': 'compute'}, check=True)
    assert res['changed'] is True and res['service']['name'] == 'nova'
    cloud.add('keystone', '/v3/services', {'name': 'nova', 'type': 'compute'})
    res = run(catalog_service.main, {'name': 'nova', 'service_type': 'compute', 'enabled': False}, check=True)
    assert res['changed'] is True and res['diff']['after']['enabled'] is False
    assert cloud.writes() == []


def _endpoint(**kw):
    args = {'service': 'glance', 'endpoint_interface': 'public', 'url': 'http://192.0.2.10:9292', 'region': 'RegionOne'}
    args.update(kw)
    return args


def test_endpoint_create_noop_update_delete(cloud, run):
    service = cloud.add('keystone', '/v3/services', {'name': 'glance', 'type': 'image'})
    res = run(endpoint.main, _endpoint())
    assert res['changed'] is True
    assert res['endpoint']['service_id'] == service['id']
    assert res['diff']['after']['url'] == 'http://192.0.2.10:9292'
    res = run(endpoint.main, _endpoint())
    assert res['changed'] is False
    assert cloud.writes() == [('POST', 'keystone/v3/endpoints')]

    res = run(endpoint.main, _endpoint(url='http://192.0.2.11:9292'))
    assert res['changed'] is True
    assert res['diff']['before']['url'] == 'http://192.0.2.10:9292'
    assert res['diff']['after']['url'] == 'http://192.0.2.11:9292'
    assert [e['url'] for e in cloud.items('keystone', '/v3/endpoints')] == ['http://192.0.2.11:9292']

    # another interface is another endpoint
    assert run(endpoint.main, _endpoint(endpoint_interface='internal'))['changed'] is True
    assert len(cloud.items('keystone', '/v3/endpoints')) == 2

    res = run(endpoint.main, _endpoint(state='absent', url=None))
    assert res['changed'] is True and res['endpoint'] is None
    assert [e['interface'] for e in cloud.items('keystone', '/v3/endpoints')] == ['internal']
    assert run(endpoint.main, _endpoint(state='absent', url=None))['changed'] is False


def test_endpoint_check_mode(cloud, run):
    cloud.add('keystone', '/v3/services', {'name': 'glance', 'type': 'image'})
    res = run(endpoint.main, _endpoint(), check=True)
    assert res['changed'] is True
    assert cloud.writes() == []


def test_endpoint_check_mode_of_a_service_still_to_create(cloud, run):
    res = run(endpoint.main, _endpoint(), check=True)
    assert res['changed'] is True
    assert cloud.writes() == []


def test_endpoint_unknown_service_names_close_matches(cloud, run):
    cloud.add('keystone', '/v3/services', {'name': 'glance', 'type': 'image'})
    res = run(endpoint.main, _endpoint(service='glace'))
    assert res['failed']
    assert "catalog service 'glace' not found" in res['msg'] and 'glance' in res['msg']
    assert cloud.writes() == []


def test_endpoint_without_region_ambiguous_fails(cloud, run):
    service = cloud.add('keystone', '/v3/services', {'name': 'glance', 'type': 'image'})
    for region in ('RegionOne', 'RegionTwo'):
        cloud.add('keystone', '/v3/endpoints', {'service_id': service['id'], 'interface': 'public',
                                                'region_id': region, 'url': 'http://%s' % region})
    res = run(endpoint.main, _endpoint(region=None))
    assert res['failed'] and 'give the region' in res['msg']
    assert cloud.writes() == []


def test_endpoint_present_needs_url(cloud, run):
    res = run(endpoint.main, _endpoint(url=None))
    assert res['failed'] and 'url' in res['msg']


def test_endpoint_absent_when_its_service_is_gone(cloud, run):
    res = run(endpoint.main, _endpoint(state='absent', url=None))
    assert res['changed'] is False and res['endpoint'] is None
    assert cloud.writes() == []


def test_an_endpoint_change_forgets_the_cached_catalogs(cloud, run, tmp_path):
    """A token's catalog is cached with it: after an endpoint changes, the next task must not
    be sent to the old URL (the overcloud's endpoints moving from http to https did)."""
    cloud.add('keystone', '/v3/services', {'name': 'glance', 'type': 'image'})
    cached = tmp_path / 'cache' / 'ooo.cloud' / 'openstack'
    assert run(endpoint.main, _endpoint())['changed'] is True
    assert not list(cached.glob('token-*.json'))
    assert run(endpoint.main, _endpoint())['changed'] is False
    assert len(list(cached.glob('token-*.json'))) == 1
    assert run(endpoint.main, _endpoint(url='https://192.0.2.10:9292'))['changed'] is True
    assert not list(cached.glob('token-*.json'))
