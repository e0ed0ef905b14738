# -*- coding: utf-8 -*-
# Copyright: ooo.cloud developers
# Apache License 2.0 (see LICENSE)

from __future__ import annotations


class ModuleDocFragment:
    """What the ooo.cloud OpenStack modules share in their documentation.

    ``ooo.cloud.openstack``: the connection options (``openstack_config.openstack_argument_spec``),
    the action group, the notes on the client and its token cache; every module.
    ``ooo.cloud.openstack.resource``: ``state`` and the check/diff/idempotent attributes of a
    module that creates, changes and deletes (``os_resource.ResourceModule`` and the like).
    ``ooo.cloud.openstack.info``: the attributes of an ``_info`` module, which only reads.
    ``ooo.cloud.openstack.info_options``: ``name`` and ``filters`` of ``os_resource.InfoModule``.

    Ansible merges fragments into DOCUMENTATION only: RETURN is each module's own, and an
    ``_info`` module's refers to the keys its twin documents.
    """

    DOCUMENTATION = r'''
options:
  api_timeout:
    description:
      - Timeout in seconds of each HTTP request to an OpenStack API.
      - Defaults to the C(api_timeout) of the cloud entry, else 60.
    type: int
  auth:
    description:
      - Keystone credentials, merged over those of O(cloud).
      - Without O(cloud) and O(auth) the C(OS_CLOUD) or C(OS_*) environment variables are used.
    type: dict
    suboptions:
      application_credential_id:
        description:
          - Id of an application credential.
        type: str
      application_credential_name:
        description:
          - Name of an application credential (with O(auth.username)).
        type: str
      application_credential_secret:
        description:
          - Secret of the application credential.
        type: str
      auth_url:
        description:
          - Keystone URL, with or without C(/v3).
        type: str
      domain_id:
        description:
          - Id of the domain to scope to, and default domain of user and project.
        type: str
      domain_name:
        description:
          - Name of the domain to scope to, and default domain of user and project.
        type: str
      password:
        description:
          - Password of the user.
        type: str
      project_domain_id:
        description:
          - Id of the domain of the project.
        type: str
      project_domain_name:
        description:
          - Name of the domain of the project.
        type: str
      project_id:
        description:
          - Id of the project to scope to.
        type: str
      project_name:
        description:
          - Name of the project to scope to.
        type: str
      system_scope:
        description:
          - System scope, for example C(all).
        type: str
      token:
        description:
          - An existing token (O(auth_type=token)).
        type: str
      user_domain_id:
        description:
          - Id of the domain of the user.
        type: str
      user_domain_name:
        description:
          - Name of the domain of the user.
        type: str
      user_id:
        description:
          - Id of the user.
        type: str
      username:
        description:
          - Name of the user.
        type: str
  auth_type:
    description:
      - Keystone v3 authentication method.
      - One of C(password) (C(v3password)), C(v3applicationcredential) or C(token).
      - Guessed from the keys of O(auth) when not set.
    type: str
  ca_cert:
    description:
      - CA bundle used to verify the TLS certificates of the APIs.
    type: str
    aliases: [cacert]
  client_cert:
    description:
      - Client certificate (PEM) presented to the APIs.
    type: str
    aliases: [cert]
  client_key:
    description:
      - Private key of O(client_cert).
    type: str
    aliases: [key]
  cloud:
    description:
      - Name of an entry of clouds.yaml, or a dict with the content of such an entry.
      - clouds.yaml is looked for in C(OS_CLIENT_CONFIG_FILE), C(./clouds.yaml),
        C(~/.config/openstack/clouds.yaml) and C(/etc/openstack/clouds.yaml); C(secure.yaml) next to it is merged in.
    type: raw
  interface:
    description:
      - Endpoint interface taken from the service catalog.
    type: str
    default: public
    choices: [admin, internal, public]
    aliases: [endpoint_type]
  region_name:
    description:
      - Region whose endpoints are used.
    type: str
  validate_certs:
    description:
      - Whether to verify TLS certificates. Defaults to the C(verify) of the cloud entry, else true.
    type: bool
    aliases: [verify]
notes:
  - The modules talk to the OpenStack REST APIs directly with the Python standard library; openstacksdk is not needed.
  - The Keystone token and service catalog are cached in C(~/.cache/ooo.cloud/openstack/) (mode 0600) until
    60 seconds before the token expires. The cache key is a hash over the connection options (secrets hashed),
    the C(OS_*) variables and the identity of clouds.yaml and secure.yaml, so a changed option or file uses a new
    entry; while the cached token is valid clouds.yaml is not read. Secrets are never written to the cache.
  - Secrets are never logged or shown in error messages.
attributes:
  action_group:
    description: Use C(group/ooo.cloud.openstack) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - ooo.cloud.openstack
'''

    RESOURCE = r'''
options:
  state:
    description:
      - Whether the resource should exist.
      - V(present) creates it, or changes in place what differs from the options given; an option
        that cannot change in place fails naming it. V(absent) deletes it.
    type: str
    default: present
    choices: [absent, present]
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: The result is predicted without any write call; the client refuses writes in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details: C(before) and C(after) hold the fields the module manages.
  idempotent:
    description: When run twice in a row with the same options, the second run reports no change.
    support: full
'''

    INFO = r'''
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
  idempotent:
    description: When run twice in a row with the same options, the second run reports no change.
    support: full
    details: This module never changes anything.
'''

    INFO_OPTIONS = r'''
options:
  filters:
    description:
      - Query parameters of the API list call, with the API's own names and values (see the examples).
      - Boolean values are sent as V(true) or V(false).
    type: dict
  name:
    description:
      - Name or id of the one resource to return; the list is empty when there is none.
      - A name must match exactly; more than one resource with that name fails.
    type: str
    aliases: [id]
'''
