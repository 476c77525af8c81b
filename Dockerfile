# syntax=docker/dockerfile:1
# One image for every keyway service; the command picks the service:
#   node dist/apps/<service>/src/main.js   (ca, secret-watcher, route-compiler, sds-server, api, gateway)
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: every dependency, then tsc into dist/ -------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The rest of the context (.dockerignore keeps out node_modules, dist, tests, docs and manifests).
COPY . .
# protos/ (keyway's own gRPC APIs) may not exist yet; the runtime stage copies it either way.
# Test doubles, harnesses and benches are compiled too; none of them ships (scripts/test-only-files.mjs).
RUN npm run build \
 && node scripts/prune-dist.mjs \
 && mkdir -p protos

# --- production dependencies only (no jest, swc, typescript, eslint) ------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime ---------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# openssl: deploy/pki/dev-pki.sh (the compose stack's development PKI) runs from this image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
# keyway's own gRPC protos are read at run time (Envoy's: dist/envoy-protos, copied by the build
# from @grpc/grpc-js-xds, a dev dependency the image does not install).
COPY --from=build /app/protos ./protos
COPY deploy/pki ./deploy/pki
USER node
# Health, readiness and metrics are on each service's OPS_PORT; the orchestrator probes them.
CMD ["node", "dist/apps/api/src/main.js"]
