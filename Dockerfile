# One image for every role (api, worker, scheduler); the role is the container's command argument.
FROM node:20-bookworm-slim
ENV NODE_ENV=production AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY config ./config
COPY src ./src
COPY workers ./workers
COPY tsconfig.json ./
USER node
EXPOSE 8080
ENTRYPOINT ["npx", "tsx", "src/main.ts"]
CMD ["all"]
