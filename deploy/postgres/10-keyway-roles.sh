#!/bin/sh
# Each keyway service's own Postgres login role (docs/audit.md, "Least privilege in Postgres"). Run
# once by the postgres image on a fresh data volume (docker-entrypoint-initdb.d), as POSTGRES_USER,
# which owns the schemas and runs the one-shot migrate steps; the services log in as these roles and
# get only the grants their migrate step gives them. Passwords come from the environment.
set -eu
for service in SECRET_WATCHER CA ROUTE_COMPILER API; do
  role="keyway_$(echo "$service" | tr 'A-Z' 'a-z')"
  eval "password=\${KEYWAY_DB_${service}_PASSWORD:?KEYWAY_DB_${service}_PASSWORD is required}"
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="$role" -v password="$password" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
GRANT CONNECT ON DATABASE :"db" TO :"role";
SQL
done
