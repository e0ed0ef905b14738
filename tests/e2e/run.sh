#!/usr/bin/env bash
# End-to-end tests on the lab, in the order a deploy happens. Called by `make e2e`.
#
# Uses a lab that is already up (and leaves it up), or brings one up and removes it at the
# end, so a test run never leaves behind what it started. OOO_KEEP_LAB=1 keeps it anyway.
set -euo pipefail
cd "$(dirname "$0")/../.."

LAB=(.venv/bin/python lab/lab.py)
PLAYBOOK=(.venv/bin/ansible-playbook -i inventories/lab)
PYTEST=(.venv/bin/pytest -q -p no:cacheprovider --tb=short)
LOGS=.cache/e2e
mkdir -p "$LOGS"
: > "$LOGS/timings.log"

# Each stage's duration goes to timings.log when the next one starts: where CI time goes.
stage_name="" stage_start=$SECONDS
stage() {
  [ -n "$stage_name" ] && printf '%5d s  %s\n' "$((SECONDS - stage_start))" "$stage_name" >> "$LOGS/timings.log"
  stage_name=$* stage_start=$SECONDS
  printf '\n=== e2e: %s (%s)\n' "$*" "$(date +%T)"
}
fail() { printf 'e2e: FAILED: %s\n' "$*" >&2; exit 1; }
descendants() { local child; for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done; }
# Kill a process, everything below it and any further targets (a process group: "-PID").
# Ansible's workers start sessions of their own, so a group kill alone leaves them behind.
kill_tree() { local pid=$1; shift; kill -KILL -- "$@" "$pid" $(descendants "$pid") 2>/dev/null || true; }

# A playbook run that must change nothing: the recap of every host says changed=0. Timed.
converged() {
  local name=$1 start=$SECONDS; shift
  "${PLAYBOOK[@]}" "$@" | tee "$LOGS/$name.log"
  echo "e2e: $name took $((SECONDS - start)) s" | tee -a "$LOGS/timings.log"
  if grep -E '^[^ ]+ +: ok=[0-9]+ +changed=[1-9]' "$LOGS/$name.log"; then
    fail "$name: the run above reported changes; it must report changed=0"
  fi
}

# A playbook run, logged and timed.
timed() {
  local name=$1 start=$SECONDS rc=0; shift
  "$@" | tee "$LOGS/$name.log" || rc=$?
  echo "e2e: $name took $((SECONDS - start)) s" | tee -a "$LOGS/timings.log"
  return "$rc"
}

# A playbook run in the background, logged; `joined NAME` waits for it, prints its recap and
# its duration, and fails when it failed.
declare -A background_pid background_start
background() {
  local name=$1; shift
  background_start[$name]=$SECONDS
  "$@" > "$LOGS/$name.log" 2>&1 &
  background_pid[$name]=$!
  echo "e2e: $name runs in the background (log: $LOGS/$name.log)"
}
joined() {
  local name=$1 rc=0
  wait "${background_pid[$name]}" || rc=$?
  unset "background_pid[$name]"
  echo "e2e: $name took $((SECONDS - background_start[$name])) s (in the background)" | tee -a "$LOGS/timings.log"
  sed -n '/^PLAY RECAP/,/^$/p' "$LOGS/$name.log"
  [ "$rc" = 0 ] || { tail -60 "$LOGS/$name.log"; fail "$name failed (its log: $LOGS/$name.log)"; }
}

started=0
"${LAB[@]}" status --quiet || started=1
finish() {
  local rc=$? pid
  # A failed stage stops what runs beside it.
  for pid in "${background_pid[@]}"; do kill_tree "$pid"; done
  [ "$rc" = 0 ] || { echo "e2e: stage durations until the failure"; cat "$LOGS/timings.log"; }
  if [ "$started" = 1 ] && [ -z "${OOO_KEEP_LAB:-}" ]; then "${LAB[@]}" down || true; fi
  exit "$rc"
}
trap finish EXIT

stage "lab up"
"${LAB[@]}" up
stage "prepare every node"
"${PLAYBOOK[@]}" playbooks/prepare.yml
stage "lab suite: nodes, networks, isolation"
"${PYTEST[@]}" tests/lab

stage "undercloud: a cold deploy killed half-way, then converged"
if ! ssh -F .lab/ssh/config undercloud test -e /etc/keystone/fernet-keys/0; then
  setsid "${PLAYBOOK[@]}" playbooks/undercloud.yml > "$LOGS/undercloud-killed.log" 2>&1 &
  deploy=$!
  sleep "${OOO_E2E_KILL_AFTER:-150}"
  if kill -0 "$deploy" 2>/dev/null; then
    kill_tree "$deploy" "-$deploy"
    echo "killed the deploy after ${OOO_E2E_KILL_AFTER:-150} s at: $(grep -E '^TASK' "$LOGS/undercloud-killed.log" | tail -1)"
  fi
  wait "$deploy" || true
else
  echo "the undercloud is deployed already; converging it again"
fi
# converge (deploy to the end) and verify (testinfra); that a second run changes nothing is
# asserted by the whole deploy's second run at the end.
.venv/bin/molecule test -s undercloud

# The overcloud deploys from here on, beside the undercloud's own stages: it needs the
# undercloud only to register its nodes (as admin, in its first minute), and what those
# stages change (a stopped nova-conductor, the passwords of Glance and Nova's RabbitMQ user,
# the modules' test resources) is nothing the registration uses. The two cores are about 40%
# idle while one deploy waits on its nodes.
background overcloud-deploy "${PLAYBOOK[@]}" playbooks/overcloud.yml

stage "undercloud: check mode predicts no change"
converged undercloud-check playbooks/undercloud.yml --check

# One run repairs and rotates: a service stopped by hand runs again, and passwords changed in
# the secrets file reach the services, Keystone, MariaDB and RabbitMQ. Idempotence after it
# is asserted by the converged deploy at the end.
stage "undercloud: a stopped service and rotated passwords, one re-run"
rotate="glance_keystone_password glance_db_password nova_rabbitmq_password"
.venv/bin/python - inventories/secrets/lab/undercloud.yml $rotate <<'PY'
import os, secrets, sys, yaml
path, names = sys.argv[1], sys.argv[2:]
with open(path) as f:
    data = yaml.safe_load(f)
data.update({name: secrets.token_urlsafe(24) for name in names})
# Whole or not at all (the overcloud's deploy runs beside this), with the mode 0600.
fd = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    yaml.safe_dump(data, f, default_flow_style=False)
os.replace(path + ".new", path)
PY
ssh -F .lab/ssh/config undercloud systemctl stop nova-conductor
timed undercloud-repair-rotate "${PLAYBOOK[@]}" playbooks/undercloud.yml
grep -qE '^undercloud +: ok=[0-9]+ +changed=[1-9]' "$LOGS/undercloud-repair-rotate.log" \
  || fail "changing $rotate changed nothing"
ssh -F .lab/ssh/config undercloud systemctl is-active nova-conductor || fail "nova-conductor is not running after a re-run"

# The sealed cloud image builds on the undercloud from here on, beside its API tests and the
# overcloud's deploy (mmdebstrap waits on the mirror much of its time); it is uploaded to the
# overcloud beside the demo tenant.
background cloud-image-build "${PLAYBOOK[@]}" playbooks/cloud_image.yml -e cloud_image_upload=false

stage "undercloud: the real APIs work, with the rotated passwords"
"${PYTEST[@]}" tests/undercloud/test_api.py

if [ -f tests/integration/modules.yml ]; then
  stage "modules: integration tests against the undercloud"
  "${PLAYBOOK[@]}" tests/integration/modules.yml
fi
stage "overcloud: planned, registered and deployed through the undercloud (started beside the undercloud's stages)"
joined overcloud-deploy
# Cinder, Heat and Swift exist only in the overcloud; the targets delete what they make (their server too,
# before the scale-down looks for a compute without servers). They need nothing of the demo
# tenant, so they run beside its playbook (each waits on a booting guest much of its time).
background modules-overcloud "${PLAYBOOK[@]}" tests/integration/modules_overcloud.yml
joined cloud-image-build
background cloud-image-upload "${PLAYBOOK[@]}" playbooks/cloud_image.yml
stage "overcloud: the demo tenant, made with the ooo.cloud modules"
timed overcloud-demo "${PLAYBOOK[@]}" playbooks/demo.yml
joined cloud-image-upload
stage "modules: integration tests of the block storage, orchestration and object storage modules against the overcloud (started beside the demo tenant)"
joined modules-overcloud

# Scale down the compute that does not host the demo server, then add it back.
demo_id=$(.venv/bin/openstack --os-cloud overcloud-demo server show demo-server -f value -c id)
demo_host=$(.venv/bin/openstack --os-cloud overcloud server show "$demo_id" -f value -c OS-EXT-SRV-ATTR:host)
spare=overcloud-compute-1
[ "$demo_host" = "$spare" ] && spare=overcloud-compute-0
stage "overcloud: scale down $spare"
"${PLAYBOOK[@]}" playbooks/overcloud_scale_down.yml -e ooo_scale_down_nodes="$spare" > "$LOGS/overcloud-scale-down.log"
hypervisors=$(.venv/bin/openstack --os-cloud overcloud hypervisor list -f value -c "Hypervisor Hostname")
providers=$(.venv/bin/python -c 'import openstack
print("\n".join(p.name for p in openstack.connect(cloud="overcloud").placement.resource_providers()))')
if grep -qx "$spare" <<<"$hypervisors
$providers"; then
  fail "$spare is still a hypervisor or resource provider after the scale-down"
fi
echo "$spare is gone from Nova and Placement"

stage "overcloud: $spare added back; the other nodes report no changes"
timed overcloud-scale-up "${PLAYBOOK[@]}" playbooks/overcloud.yml
if grep -E '^[^ ]+ +: ok=[0-9]+ +changed=[1-9]' "$LOGS/overcloud-scale-up.log" | grep -vE "^($spare|localhost) "; then
  fail "adding $spare changed the nodes above; only $spare (and its registration on the deploy host) may change"
fi

stage "overcloud: the real APIs work; volumes in guests; tenant traffic across both computes, floating IPs, SSH"
# The slowest tests are listed: where this stage's time goes.
"${PYTEST[@]}" --durations=15 tests/overcloud

# A re-run of the deploy on a cloud in use must neither change nor disturb it: make deploy's
# playbook runs again while tempest's smoke tests load the overcloud (and CI saves its time).
stage "overcloud: tempest's smoke tests, while make deploy's playbook runs again and changes nothing"
background deploy-again "${PLAYBOOK[@]}" playbooks/deploy.yml
tempest_rc=0
timed tempest-overcloud tests/tempest/run.sh overcloud || tempest_rc=$?
joined deploy-again
if grep -E '^[^ ]+ +: ok=[0-9]+ +changed=[1-9]' "$LOGS/deploy-again.log"; then
  grep -B3 -E '^changed:' "$LOGS/deploy-again.log" | tail -40
  fail "deploy-again: the run reported changes; it must report changed=0"
fi
[ "$tempest_rc" = 0 ] || fail "tempest's smoke tests failed against the overcloud (while the deploy ran again)"
grep -q "overcloud:   Keystone https://" "$LOGS/deploy-again.log" || fail "the deploy printed no summary"
grep -qE "ssh -i \S+ ooo@[0-9.]+" "$LOGS/deploy-again.log" || fail "the summary prints no ssh command for the demo server"

# The converged run touched nothing, so the full traffic suite above need not run again:
# the control plane and the demo server's SSH login show that the cloud still works.
stage "overcloud: the cloud still works after the re-run"
"${PYTEST[@]}" tests/overcloud/test_overcloud.py \
  tests/overcloud/test_tenant_traffic.py::test_the_demo_server_logs_in_over_its_floating_ip_with_the_verified_host_key

stage "memory per node after the deploy"
podman stats --no-stream --format '{{.Name}} {{.MemUsage}}' | sort

stage "passed"
echo "e2e: stage durations"; cat "$LOGS/timings.log"
