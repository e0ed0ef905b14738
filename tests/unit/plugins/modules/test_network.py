# -*- coding: utf-8 -*-
from __future__ import annotations

import pytest

from ansible_collections.ooo.cloud.plugins.modules import floating_ip, network, network_info, router, security_group, subnet

NEU = 'neutron'


def test_network_lifecycle(cloud, run):
    args = {'name': 'public', 'external': True, 'provider_network_type': 'flat', 'provider_physical_network': 'datacentre',
            'mtu': 1500}
    res = run(network.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    assert res['diff']['after']['router:external'] is True
    res = run(network.main, args)
    assert res['changed'] is True
    body = [c for c in cloud.calls if c[0] == 'POST' and 'networks' in c[1]][0][2]['network']
    assert body == {'name': 'public', 'router:external': True, 'provider:network_type': 'flat',
                    'provider:physical_network': 'datacentre', 'mtu': 1500}
    assert run(network.main, args)['changed'] is False
    res = run(network.main, dict(args, shared=True, mtu=1400))
    assert res['changed'] is True and res['diff']['before']['mtu'] == 1500 and res['diff']['after']['mtu'] == 1400
    assert cloud.items(NEU, '/v2.0/networks')[0]['shared'] is True
    res = run(network.main, dict(args, provider_network_type='vlan'))
    assert res['failed'] and 'provider_network_type' in res['msg']
    res = run(network_info.main, {'filters': {'router:external': True}})
    assert [n['name'] for n in res['networks']] == ['public']
    assert run(network.main, {'name': 'public', 'state': 'absent'})['changed'] is True
    assert run(network.main, {'name': 'public', 'state': 'absent'})['changed'] is False


def test_subnet_lifecycle(cloud, run):
    net = cloud.add(NEU, '/v2.0/networks', {'name': 'private'})
    args = {'name': 'private-subnet', 'network': 'private', 'cidr': '192.168.10.0/24', 'gateway_ip': '192.168.10.1',
            'allocation_pools': [{'start': '192.168.10.10', 'end': '192.168.10.20'},
                                 {'start': '192.168.10.100', 'end': '192.168.10.200'}],
            'dns_nameservers': ['192.0.2.53'], 'host_routes': [{'destination': '10.0.0.0/8', 'nexthop': '192.168.10.254'}]}
    res = run(subnet.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(subnet.main, args)
    assert res['changed'] is True and res['subnet']['network_id'] == net['id'] and res['subnet']['ip_version'] == 4
    # pools in another order are the same
    args2 = dict(args, allocation_pools=list(reversed(args['allocation_pools'])))
    assert run(subnet.main, args2)['changed'] is False
    res = run(subnet.main, dict(args, dns_nameservers=['192.0.2.54'], enable_dhcp=False))
    assert res['changed'] is True and cloud.items(NEU, '/v2.0/subnets')[0]['enable_dhcp'] is False
    res = run(subnet.main, dict(args, dns_nameservers=['192.0.2.54'], no_gateway=False))
    assert res['changed'] is False
    res = run(subnet.main, dict(args, gateway_ip=None, no_gateway=True))
    assert res['changed'] is True and cloud.items(NEU, '/v2.0/subnets')[0]['gateway_ip'] is None
    res = run(subnet.main, {'name': 'private-subnet', 'network': 'private', 'cidr': '192.168.0.0/16'})
    assert res['failed'] and 'cidr' in res['msg'] and 'cannot be updated in place' in res['msg']
    assert run(subnet.main, {'name': 'private-subnet', 'state': 'absent'})['changed'] is True


def test_subnet_absent_when_its_network_is_gone(cloud, run):
    res = run(subnet.main, {'name': 'private-subnet', 'network': 'private', 'state': 'absent'})
    assert res['changed'] is False and res['subnet'] is None
    assert cloud.writes() == []
    res = run(subnet.main, {'name': 'private-subnet', 'network': 'private', 'cidr': '192.168.10.0/24'})
    assert res['failed'] and "network 'private' not found" in res['msg']


@pytest.mark.parametrize('override,message', [
    ({'cidr': '192.168.10.0/33'}, 'not a valid CIDR'),
    ({'cidr': 'banana'}, 'not a valid CIDR'),
    ({'gateway_ip': '10.0.0.1'}, 'gateway_ip 10.0.0.1 is outside the subnet 192.168.10.0/24; use one of '
                                 '192.168.10.1-192.168.10.254'),
    ({'allocation_pools': [{'start': '192.168.11.1', 'end': '192.168.11.9'}]},
     'allocation pool 192.168.11.1-192.168.11.9 is outside the subnet 192.168.10.0/24; keep the pool within '
     '192.168.10.1-192.168.10.254'),
    ({'allocation_pools': [{'start': '192.168.10.10', 'end': '192.168.10.50'},
                           {'start': '192.168.10.40', 'end': '192.168.10.60'}]}, 'overlap'),
    ({'allocation_pools': [{'start': '192.168.10.50', 'end': '192.168.10.10'}]}, 'start is after end'),
    ({'allocation_pools': [{'start': '192.168.10.1', 'end': '192.168.10.10'}]}, 'inside the allocation pool'),
    ({'ip_version': 6}, 'is IPv4 but ip_version is 6'),
    ({'dns_nameservers': ['dns.example.com']}, 'not a valid IP address'),
    ({'no_gateway': True}, 'exclude each other'),
])
def test_subnet_validation_before_any_call(cloud, run, override, message):
    args = dict({'name': 's', 'network': 'private', 'cidr': '192.168.10.0/24', 'gateway_ip': '192.168.10.1'}, **override)
    res = run(subnet.main, args)
    assert res['failed'] and message in res['msg'], res['msg']
    assert cloud.calls == []


@pytest.mark.parametrize('override,message', [
    # a host address for the network: refused, not taken as 192.168.10.0/24 behind the user's back
    ({'cidr': '192.168.10.5/24'},
     "subnet 's': cidr '192.168.10.5/24' is not a network address: it has host bits set; write '192.168.10.0/24'"),
    ({'cidr': 'fd00:1::5/64', 'gateway_ip': None},
     "subnet 's': cidr 'fd00:1::5/64' is not a network address: it has host bits set; write 'fd00:1::/64'"),
    ({'gateway_ip': '192.168.10.0'},
     "subnet 's': gateway_ip 192.168.10.0 is not a usable address in 192.168.10.0/24: it is the network address; "
     "use one of 192.168.10.1-192.168.10.254"),
    ({'gateway_ip': '192.168.10.255'},
     "subnet 's': gateway_ip 192.168.10.255 is not a usable address in 192.168.10.0/24: it is the broadcast address"),
    ({'gateway_ip': 'fd00:1::1'},
     "subnet 's': gateway_ip fd00:1::1 is not a usable address in 192.168.10.0/24: it is IPv6 in an IPv4 network"),
    ({'cidr': 'fd00:1::/64', 'gateway_ip': 'fd00:1::'},
     "subnet 's': gateway_ip fd00:1:: is not a usable address in fd00:1::/64: it is the network address (IPv6's "
     "subnet-router anycast address); use one of fd00:1::1-fd00:1::ffff:ffff:ffff:ffff"),
    ({'allocation_pools': [{'start': '192.168.10.0', 'end': '192.168.10.50'}]},
     "subnet 's': allocation pool 192.168.10.0-192.168.10.50 includes 192.168.10.0, the network address of "
     "192.168.10.0/24; keep the pool within 192.168.10.1-192.168.10.254"),
    ({'allocation_pools': [{'start': '192.168.10.200', 'end': '192.168.10.255'}]},
     "includes 192.168.10.255, the broadcast address of 192.168.10.0/24"),
    ({'allocation_pools': [{'start': '192.168.10.10', 'end': 'fd00:1::50'}]},
     "subnet 's': allocation pool 192.168.10.10-fd00:1::50: start is IPv4 but end is IPv6; both ends must be of one "
     "IP version"),
    ({'allocation_pools': [{'start': 'fd00:1::10', 'end': 'fd00:1::50'}]},
     "subnet 's': allocation pool fd00:1::10-fd00:1::50 is IPv6 but the subnet 192.168.10.0/24 is IPv4"),
    ({'allocation_pools': [{'start': '192.168.10.1', 'end': '192.168.10.10'}]},
     "subnet 's': gateway_ip 192.168.10.1 is inside the allocation pool 192.168.10.1-192.168.10.10; end the pool before "
     "it or start it after it"),
    ({'cidr': None, 'ip_version': 6}, "subnet 's': gateway_ip 192.168.10.1 is IPv4 but ip_version is 6"),
    ({'host_routes': [{'destination': '10.1.2.3/16', 'nexthop': '192.168.10.254'}]},
     "subnet 's': host route destination '10.1.2.3/16' is not a network address: it has host bits set; write "
     "'10.1.0.0/16'"),
])
def test_subnet_addresses_refused_before_any_call(cloud, run, override, message):
    args = dict({'name': 's', 'network': 'private', 'cidr': '192.168.10.0/24', 'gateway_ip': '192.168.10.1'}, **override)
    res = run(subnet.main, args)
    assert res['failed'] and message in res['msg'], res['msg']
    assert 'after end' not in res['msg']
    assert cloud.calls == []


def test_subnet_ipv6_addresses(cloud, run):
    cloud.add(NEU, '/v2.0/networks', {'name': 'private'})
    args = {'name': 's6', 'network': 'private', 'cidr': 'fd00:1::/64', 'gateway_ip': 'FD00:1::1', 'ip_version': 6,
            'ipv6_address_mode': 'slaac', 'ipv6_ra_mode': 'slaac',
            'allocation_pools': [{'start': 'fd00:1::10', 'end': 'fd00:1::ffff:ffff:ffff:ffff'}]}
    res = run(subnet.main, args)
    assert res['changed'] is True
    body = [c for c in cloud.calls if c[0] == 'POST' and c[1].endswith('/subnets')][0][2]['subnet']
    assert (body['cidr'], body['gateway_ip'], body['ip_version']) == ('fd00:1::/64', 'fd00:1::1', 6)
    assert run(subnet.main, args)['changed'] is False


def test_subnet_without_cidr_checked_against_its_own(cloud, run):
    # no cidr given: the gateway and pools are checked against the subnet's CIDR, before any change
    net = cloud.add(NEU, '/v2.0/networks', {'name': 'private'})
    cloud.add(NEU, '/v2.0/subnets', {'name': 's', 'network_id': net['id'], 'cidr': '192.168.10.0/24',
                                     'gateway_ip': '192.168.10.1', 'allocation_pools': []})
    res = run(subnet.main, {'name': 's', 'network': 'private', 'gateway_ip': '192.168.10.255'})
    assert res['failed'] and "subnet 's': gateway_ip 192.168.10.255 is not a usable address in 192.168.10.0/24: it " \
        "is the broadcast address" in res['msg']
    res = run(subnet.main, {'name': 's', 'network': 'private',
                            'allocation_pools': [{'start': '192.168.11.10', 'end': '192.168.11.20'}]})
    assert res['failed'] and 'allocation pool 192.168.11.10-192.168.11.20 is outside the subnet 192.168.10.0/24' in res['msg']
    assert cloud.writes() == []
    res = run(subnet.main, {'name': 's', 'network': 'private', 'gateway_ip': '192.168.10.254'})
    assert res['changed'] is True and cloud.items(NEU, '/v2.0/subnets')[0]['gateway_ip'] == '192.168.10.254'


def _router_routes(cloud):
    def add(match, body, query):
        sub = cloud.store[(NEU, '/v2.0/subnets')][body['subnet_id']]
        port = {'device_id': match.group(1), 'device_owner': 'network:router_interface',
                'network_id': sub['network_id'], 'fixed_ips': [{'subnet_id': sub['id']}]}
        cloud.add(NEU, '/v2.0/ports', port)
        return 200, {'subnet_id': sub['id']}

    def remove(match, body, query):
        ports = cloud.store[(NEU, '/v2.0/ports')]
        for pid, port in list(ports.items()):
            if port['device_id'] == match.group(1) and (pid == body.get('port_id') or
                                                        port['fixed_ips'][0]['subnet_id'] == body.get('subnet_id')):
                del ports[pid]
        return 200, {}
    cloud.route('PUT', r'neutron/v2.0/routers/([^/]+)/add_router_interface', add)
    cloud.route('PUT', r'neutron/v2.0/routers/([^/]+)/remove_router_interface', remove)


def test_router_lifecycle(cloud, run):
    _router_routes(cloud)
    pub = cloud.add(NEU, '/v2.0/networks', {'name': 'public', 'router:external': True})
    priv = cloud.add(NEU, '/v2.0/networks', {'name': 'private'})
    s1 = cloud.add(NEU, '/v2.0/subnets', {'name': 's1', 'network_id': priv['id'], 'cidr': '10.0.1.0/24'})
    s2 = cloud.add(NEU, '/v2.0/subnets', {'name': 's2', 'network_id': priv['id'], 'cidr': '10.0.2.0/24'})
    args = {'name': 'r1', 'network': 'public', 'interfaces': ['s1', 's2']}
    res = run(router.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(router.main, args)
    assert res['changed'] is True and res['router']['external_gateway_info']['network_id'] == pub['id']
    assert sorted(res['router']['interfaces']) == sorted([s1['id'], s2['id']])
    assert run(router.main, args)['changed'] is False
    res = run(router.main, dict(args, interfaces=['s2'], enable_snat=False))
    assert res['changed'] is True
    ports = cloud.items(NEU, '/v2.0/ports')
    assert [p['fixed_ips'][0]['subnet_id'] for p in ports] == [s2['id']]
    assert cloud.items(NEU, '/v2.0/routers')[0]['external_gateway_info']['enable_snat'] is False
    res = run(router.main, dict(args, interfaces=['s3']))
    assert res['failed'] and "subnet 's3' not found" in res['msg'] and 's1' in res['msg']
    res = run(router.main, {'name': 'r1', 'state': 'absent'})
    assert res['changed'] is True and cloud.items(NEU, '/v2.0/routers') == [] and cloud.items(NEU, '/v2.0/ports') == []


def _sg_routes(cloud):
    def create(match, body, query):
        sg = cloud.add(NEU, '/v2.0/security-groups', body['security_group'])
        sg.setdefault('project_id', cloud.project_id)
        for eth in ('IPv4', 'IPv6'):
            rule = {'security_group_id': sg['id'], 'direction': 'egress', 'ethertype': eth, 'protocol': None,
                    'port_range_min': None, 'port_range_max': None, 'remote_ip_prefix': None, 'remote_group_id': None}
            cloud.add(NEU, '/v2.0/security-group-rules', rule)
        return 201, {'security_group': _sg(cloud, sg['id'])}

    def get(match, body, query):
        if match.group(1) not in cloud.store[(NEU, '/v2.0/security-groups')]:
            return 404, {'NeutronError': {'message': 'not found'}}
        return 200, {'security_group': _sg(cloud, match.group(1))}

    def listing(match, body, query):
        return 200, {'security_groups': [_sg(cloud, g['id']) for g in cloud.items(NEU, '/v2.0/security-groups')
                                         if all(str(g.get(k)) == v for k, v in query.items())]}

    def bulk(match, body, query):
        for rule in body['security_group_rules']:
            for k in ('protocol', 'port_range_min', 'port_range_max', 'remote_ip_prefix', 'remote_group_id'):
                rule.setdefault(k, None)
            cloud.add(NEU, '/v2.0/security-group-rules', rule)
        return 201, {'security_group_rules': body['security_group_rules']}
    cloud.route('POST', r'neutron/v2.0/security-groups', create)
    cloud.route('GET', r'neutron/v2.0/security-groups', listing)
    cloud.route('GET', r'neutron/v2.0/security-groups/([^/]+)', get)
    cloud.route('POST', r'neutron/v2.0/security-group-rules', bulk)


def _sg(cloud, sg_id):
    sg = dict(cloud.store[(NEU, '/v2.0/security-groups')][sg_id])
    sg['security_group_rules'] = [r for r in cloud.items(NEU, '/v2.0/security-group-rules') if r['security_group_id'] == sg_id]
    return sg


def test_security_group_rules_made_exactly_so(cloud, run):
    _sg_routes(cloud)
    rules = [{'protocol': 'tcp', 'port_range_min': 22, 'remote_ip_prefix': '192.0.2.0/24'},
             {'protocol': '6', 'port_range_min': 443, 'port_range_max': 443, 'remote_ip_prefix': '0.0.0.0/0'},
             {'protocol': 'icmp'},
             {'direction': 'egress'},
             {'remote_group': 'web'}]
    args = {'name': 'web', 'description': 'web servers', 'rules': rules}
    res = run(security_group.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(security_group.main, args)
    assert res['changed'] is True
    have = cloud.items(NEU, '/v2.0/security-group-rules')
    assert len(have) == 5  # the IPv6 egress default rule was deleted
    sg_id = res['security_group']['id']
    assert any(r['remote_group_id'] == sg_id for r in have)
    assert run(security_group.main, args)['changed'] is False
    calls = len(cloud.calls)
    res = run(security_group.main, dict(args, rules=rules[:2] + [{'protocol': 'udp', 'port_range_min': 53}]))
    assert res['changed'] is True
    writes = [c[0] for c in cloud.calls[calls:] if c[0] in ('POST', 'DELETE')]
    assert writes.count('DELETE') == 3 and writes.count('POST') == 1
    assert len(cloud.items(NEU, '/v2.0/security-group-rules')) == 3
    assert run(security_group.main, {'name': 'web', 'state': 'absent'})['changed'] is True


def test_floating_ip(cloud, run):
    pub = cloud.add(NEU, '/v2.0/networks', {'name': 'public', 'router:external': True})
    srv = cloud.add('nova', '/v2.1/servers', {'name': 'web1'})
    port = cloud.add(NEU, '/v2.0/ports', {'device_id': srv['id'], 'network_id': 'x', 'fixed_ips': [{'ip_address': '10.0.0.5'}]})

    def create(match, body, query):
        fip = cloud.add(NEU, '/v2.0/floatingips', dict(body['floatingip'], floating_ip_address=body['floatingip'].get(
            'floating_ip_address', '192.0.2.77')))
        return 201, {'floatingip': fip}
    cloud.route('POST', r'neutron/v2.0/floatingips', create)
    args = {'network': 'public', 'server': 'web1'}
    res = run(floating_ip.main, args, check=True)
    assert res['changed'] is True and cloud.writes() == []
    res = run(floating_ip.main, args)
    assert res['changed'] is True and res['floating_ip']['port_id'] == port['id']
    assert res['floating_ip']['fixed_ip_address'] == '10.0.0.5' and res['floating_ip']['floating_network_id'] == pub['id']
    assert run(floating_ip.main, args)['changed'] is False
    fixed = {'network': 'public', 'floating_ip_address': '192.0.2.77'}
    assert run(floating_ip.main, fixed)['changed'] is False
    assert run(floating_ip.main, dict(args, state='absent'))['changed'] is True
    assert cloud.items(NEU, '/v2.0/floatingips') == []
    res = run(floating_ip.main, {'network': 'publc', 'server': 'web1'})
    assert res['failed'] and 'public' in res['msg']
