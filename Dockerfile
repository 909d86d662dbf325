# Build stage: compile TypeScript to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/copy-lua.cjs ./scripts/copy-lua.cjs
RUN npm run build

# Runtime stage: production dependencies and compiled code only, as the unprivileged node user.
FROM node:20-bookworm-slim AS runtime
# ONBOARDING_DIST=1: bin/onboarding.js runs the compiled dist/ only, never the TypeScript through tsx.
# No NODE_OPTIONS here: `worker` gets its measured heap flags from bin/onboarding.js (bin/node-flags.js)
# unless NODE_OPTIONS sizes the heap, and the other roles keep V8's own sizing.
ENV NODE_ENV=production ONBOARDING_DIST=1
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
EXPOSE 3000 4010
ENTRYPOINT ["node", "bin/onboarding.js"]
CMD ["worker"]
