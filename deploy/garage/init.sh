#!/bin/sh
# Prepares a one-node Garage for the engine, and may be run again at any time: gives the node
# its role in the cluster layout (first run only), imports the engine's key (S3_ACCESS_KEY,
# S3_SECRET_KEY: Garage's format, `GK` and 24 hex digits, and 64 hex digits), creates the
# bucket (S3_BUCKET) and lets the key read and write it. The `garage` command line finds the
# node through its configuration (GARAGE_CONFIG_FILE, default /etc/garage.toml) and the
# node's id in its metadata folder; GARAGE_RPC_SECRET is the cluster's secret.
set -eu

: "${S3_ACCESS_KEY:?S3_ACCESS_KEY is required}"
: "${S3_SECRET_KEY:?S3_SECRET_KEY is required}"
: "${S3_BUCKET:?S3_BUCKET is required}"
key_name="${GARAGE_KEY_NAME:-motcua}"

# The node may still be starting.
tries=0
until garage status >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
        echo "garage-init: the Garage node does not answer" >&2
        garage status >&2 || true
        exit 1
    fi
    sleep 1
done

node=$(garage node id -q | cut -d@ -f1)
# Layout version 0: no node has a role yet. A layout already applied (an earlier run, or an
# operator's) is left as it is. (The output is read whole: the command line panics when its
# reader goes away before it has written everything.)
layout=$(garage layout show)
if printf '%s\n' "$layout" | grep 'Current cluster layout version: 0$' >/dev/null; then
    garage layout assign -z dc1 -c 1G "$node"
    garage layout apply --version 1
fi

if ! garage key info "$S3_ACCESS_KEY" >/dev/null 2>&1; then
    garage key import --yes "$S3_ACCESS_KEY" "$S3_SECRET_KEY" -n "$key_name"
fi
if ! garage bucket info "$S3_BUCKET" >/dev/null 2>&1; then
    garage bucket create "$S3_BUCKET"
fi
garage bucket allow --read --write --owner "$S3_BUCKET" --key "$S3_ACCESS_KEY"
echo "garage-init: bucket $S3_BUCKET ready for key $S3_ACCESS_KEY"
