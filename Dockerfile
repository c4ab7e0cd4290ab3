# syntax=docker/dockerfile:1
# Weft: one image, one binary (`weft`). Build: docker build -t weft:dev .
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# The `node` devDependency pins Node 24 for npm scripts on hosts with an older Node; this image
# already has Node 24, so install scripts are skipped.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY crds ./crds
RUN chmod +x dist/main.js && ln -s /app/dist/main.js /usr/local/bin/weft
# The unprivileged user of the node image.
USER 1000:1000
EXPOSE 15010 15012 15014 15017
ENTRYPOINT ["weft"]
CMD ["--help"]
