# syntax=docker/dockerfile:1
#
# The production image of the storefront BFF gateway:
#   docker build -t storefront-bff .
#
# Two stages: `build` compiles TypeScript with every dev dependency; the final
# stage has production dependencies only, the compiled dist/src and the files
# the gateway reads at run time from its project root (found by walking up to
# package.json, so package.json sits at /app). test/deploy.test.ts parses this
# file and fails when a runtime file is not copied or a dev-only one is.

# Pinned by tag: the tag moves with Node 20 patch releases and Debian security
# fixes. Pin a digest (node:20-bookworm-slim@sha256:...) in the registry that
# builds releases if you need bit-for-bit rebuilds.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The manifests first, so the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsconfig.build.json also includes bench/; it is not copied, so the image
# compiles (and ships) dist/src only. rootDir is ".", so the output stays
# dist/src/main.js with or without bench/.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# Set before `npm ci` too: production mode masks internal errors and turns the
# playground and introspection off.
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev: no graphiql/react (the playground is off in production; its
# asset routes answer 500 if someone turns it on here), no jest, no tsc.
# --ignore-scripts: no install script runs in the image. The only production
# dependency with one is @apollo/protobufjs, whose postinstall prepares its
# CLI; the test fails when another production dependency brings one, so that
# the choice is made again.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist/src ./dist/src
# What the gateway reads at run time, next to package.json:
#   operations/    the contract operations (playground, trusted as written)
#   documents/     the apps' own documents, their subscriptions (trusted as written)
#   clients/<frontend>/persisted-documents.json   the trusted-document manifests
#   schema/        the SDL: schema/*.graphql plus one folder per frontend
#                  (not schema/snapshots/ nor approved-changes.json: those are
#                  the breaking-change check's, a development tool)
#   src/http/playground/*.js   client.js, waterfall.js, subscriptions.js: read from src/ even by dist/ (tsc does not copy .js)
COPY operations ./operations
COPY documents ./documents
COPY clients/web/persisted-documents.json ./clients/web/
COPY clients/mobile/persisted-documents.json ./clients/mobile/
COPY schema/*.graphql ./schema/
COPY schema/web ./schema/web
COPY schema/mobile ./schema/mobile
COPY src/http/playground/client.js ./src/http/playground/
COPY src/http/playground/waterfall.js ./src/http/playground/
COPY src/http/playground/subscriptions.js ./src/http/playground/
# Everything above is owned by root and read-only to the process: the gateway
# writes nothing to disk, and the pod runs with a read-only root filesystem.
# Numeric (it is the base image's `node` user) so that Kubernetes can check
# runAsNonRoot without a runAsUser of its own.
USER 1000:1000
# 4000: GraphQL, /healthz, /readyz (PORT). 9464: /metrics (METRICS_PORT), kept
# off the public port; the Kubernetes Service exposes 4000 only.
EXPOSE 4000 9464
# The gateway's graceful shutdown starts on SIGTERM (Docker's and Kubernetes'
# stop signal); a second signal exits at once.
STOPSIGNAL SIGTERM
# No HEALTHCHECK: Kubernetes ignores it and probes /healthz and /readyz itself
# (deploy/kubernetes/deployment.yaml). The slim image has no curl, and a
# `node -e fetch(...)` check would start a second V8 inside the container's
# memory limit at every interval.
#
# node runs directly, not through `npm start`: npm does not reliably forward
# SIGTERM, and it would rebuild (prestart). `sh -c exec` only to expand
# GATEWAY_HEAP_MB; exec replaces the shell, so node is PID 1 and receives the
# signals. The gateway starts no child process, so PID 1 needs no reaper
# (no tini).
CMD ["/bin/sh", "-c", "exec node --max-old-space-size=${GATEWAY_HEAP_MB:-192} dist/src/main.js"]
