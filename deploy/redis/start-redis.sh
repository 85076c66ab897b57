#!/bin/sh
# Start Redis with the default user disabled and one ACL user per Gatelink role.
# The rules are the ones docs/multi-host.md explains (and src/bus/redis-acl.ts tests):
#   gatelink-hub   everything under the prefix, no server administration
#   gatelink-gate  config read-only, own presence, traffic, log events
#   gatelink-link  read-only Link views (all agents: for your own redis-mode Links only)
# Passwords come from the environment; extra arguments are passed to redis-server.
set -eu
: "${REDIS_HUB_PASSWORD:?set REDIS_HUB_PASSWORD}"
: "${REDIS_GATE_PASSWORD:?set REDIS_GATE_PASSWORD}"
: "${REDIS_LINK_PASSWORD:?set REDIS_LINK_PASSWORD}"
P="${REDIS_PREFIX:-gatelink:}"
CONNECTION='+ping +select +client|setname +quit +subscribe +unsubscribe'

# shellcheck disable=SC2086 # CONNECTION is a list of separate rules on purpose
exec redis-server \
  --user default off \
  --user gatelink-hub on ">$REDIS_HUB_PASSWORD" resetkeys resetchannels "~${P}*" "&${P}*" +@all -@dangerous \
  --user gatelink-gate on ">$REDIS_GATE_PASSWORD" resetkeys resetchannels -@all $CONNECTION \
    "%R~${P}config" +hget +hmget \
    "~${P}gate:*" "~${P}gates" +set +mget +del +exists +zadd +zrange +zrem +evalsha +eval +multi +exec +discard +publish \
    "~${P}traffic" +hincrby +hset "~${P}logs" +xadd "&${P}config" "&${P}gates" \
  --user gatelink-link on ">$REDIS_LINK_PASSWORD" resetkeys resetchannels -@all $CONNECTION \
    "%R~${P}view:*" +get "&${P}view:*" \
  "$@"
