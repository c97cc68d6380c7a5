# A stand-in for the official `postgres:15-bookworm` image, built from
# Debian's own PostgreSQL 15 packages by deploy/images.sh only where that image
# cannot be pulled (an air-gapped CI). It keeps the interface the compose file
# relies on: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, PGDATA, the
# scripts of /docker-entrypoint-initdb.d run once on a new data directory,
# pg_isready, and `postgres` as the command.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /docker-entrypoint-initdb.d /var/run/postgresql \
 && chown postgres:postgres /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
