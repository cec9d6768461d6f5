#!/bin/bash
# Patroni post_bootstrap hook (runs once, on the node that initialises the cluster; $1 = superuser conninfo):
# creates the application role and database from DB_USER / DB_PASSWORD / DB_NAME, and, as superuser, the
# extensions the API's migrations expect (earthdistance is not trusted: the app role cannot create it) —
# the same bootstrap the local mesh launcher does. Idempotent.
set -euo pipefail
: "${DB_USER:?}" "${DB_PASSWORD:?}" "${DB_NAME:?}"
extensions="${PG_BOOTSTRAP_EXTENSIONS:-cube earthdistance pg_trgm}"
{
  cat <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'app_user', :'app_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_user') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'app_db', :'app_user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'app_db') \gexec
\connect :"app_db"
SQL
  for ext in $extensions; do
    printf 'CREATE EXTENSION IF NOT EXISTS %s;\n' "$ext"
  done
} | psql "$1" -v ON_ERROR_STOP=1 -v app_user="$DB_USER" -v app_password="$DB_PASSWORD" -v app_db="$DB_NAME"
