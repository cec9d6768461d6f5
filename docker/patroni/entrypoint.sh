#!/bin/bash
# Renders the Patroni config from the template and the container environment, then runs Patroni as PID 1
# (Patroni reaps children itself when it is PID 1, and stops PostgreSQL cleanly on SIGTERM).
set -euo pipefail
umask 0077
python3 /usr/local/lib/patroni/render-config.py /etc/patroni/patroni.yml.template /tmp/patroni.yml
exec patroni /tmp/patroni.yml
