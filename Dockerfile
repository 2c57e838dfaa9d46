# syntax=docker/dockerfile:1
# okta-hubspot-sync daemon image.
#
#   docker build -t okta-hubspot-sync .
#   docker run --env-file .env -p 127.0.0.1:3000:3000 okta-hubspot-sync
#
# The ops server listens on 0.0.0.0 inside the container so the published port reaches it, and
# the daemon refuses to start on a non-loopback HOST without SYNC_ADMIN_TOKEN: set it (a long
# random string) in the environment. Other commands run the same way, e.g.
#   docker run --env-file .env okta-hubspot-sync node dist/src/cli/main.js status
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY src ./src
COPY workers ./workers
# The simulators and the demo are compiled (the CLI's demo and simulate commands name them) and then
# left out of the image: the runtime carries no fake OAuth server and no fault-injection routes.
COPY simulators ./simulators
# Production dependencies only. typescript stays after the prune because it is both a devDependency
# and an optional peer of valibot (through @bull-board/api); nothing loads it at run time.
RUN npm run build \
 && rm -rf dist/simulators dist/bench \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# dist/config/load.js finds the bundled rules files (default.yaml, demo.yaml) in ../../config/.
COPY --from=build --chown=root:root /app/config/*.yaml ./config/
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini is PID 1: it forwards SIGTERM to node (which drains jobs within daemon.shutdownGraceMs) and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli/main.js", "start"]
