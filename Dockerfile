# syntax=docker/dockerfile:1
# Slotgate container image: the Native AOT build of src/Slotgate and the layer libraries it is built from (one
# self-contained binary) on a distroless ("chiseled") base with no shell and no package manager, running as a non-root
# user.
#
#   docker build -t slotgate .
#   docker run -p 7000:7000 -p 9090:9090 slotgate --seed redis-0.redis:6379
#
# Configuration as anywhere else (docs/configuration.md): a mounted YAML file (--config /etc/slotgate/slotgate.yaml
# or SLOTGATE_CONFIG), SLOTGATE_* environment variables, flags after the image name.

# ---- build: the .NET SDK plus the native toolchain Native AOT links with ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first, from the project files alone, so the package layer is reused while only sources change.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
# The executable and the layer libraries it is built from (docs/architecture.md).
COPY src/Directory.Build.props src/
COPY src/Slotgate.Protocol/Slotgate.Protocol.csproj src/Slotgate.Protocol/
COPY src/Slotgate.Transport/Slotgate.Transport.csproj src/Slotgate.Transport/
COPY src/Slotgate.Configuration/Slotgate.Configuration.csproj src/Slotgate.Configuration/
COPY src/Slotgate.Commands/Slotgate.Commands.csproj src/Slotgate.Commands/
COPY src/Slotgate.Security/Slotgate.Security.csproj src/Slotgate.Security/
COPY src/Slotgate.Diagnostics/Slotgate.Diagnostics.csproj src/Slotgate.Diagnostics/
COPY src/Slotgate.Cluster/Slotgate.Cluster.csproj src/Slotgate.Cluster/
COPY src/Slotgate.Backend/Slotgate.Backend.csproj src/Slotgate.Backend/
COPY src/Slotgate.Routing/Slotgate.Routing.csproj src/Slotgate.Routing/
COPY src/Slotgate.Proxy/Slotgate.Proxy.csproj src/Slotgate.Proxy/
COPY src/Slotgate.Import/Slotgate.Import.csproj src/Slotgate.Import/
COPY src/Slotgate.Hosting/Slotgate.Hosting.csproj src/Slotgate.Hosting/
COPY src/Slotgate/Slotgate.csproj src/Slotgate/
RUN dotnet restore src/Slotgate/Slotgate.csproj
COPY src/Slotgate.Protocol/ src/Slotgate.Protocol/
COPY src/Slotgate.Transport/ src/Slotgate.Transport/
COPY src/Slotgate.Configuration/ src/Slotgate.Configuration/
COPY src/Slotgate.Commands/ src/Slotgate.Commands/
COPY src/Slotgate.Security/ src/Slotgate.Security/
COPY src/Slotgate.Diagnostics/ src/Slotgate.Diagnostics/
COPY src/Slotgate.Cluster/ src/Slotgate.Cluster/
COPY src/Slotgate.Backend/ src/Slotgate.Backend/
COPY src/Slotgate.Routing/ src/Slotgate.Routing/
COPY src/Slotgate.Proxy/ src/Slotgate.Proxy/
COPY src/Slotgate.Import/ src/Slotgate.Import/
COPY src/Slotgate.Hosting/ src/Slotgate.Hosting/
COPY src/Slotgate/ src/Slotgate/
# The same command as README.md's and scripts/check-publish.sh's (which runs it outside a container in CI).
RUN dotnet publish src/Slotgate -c Release -o /out --no-restore

# ---- runtime: only what a Native AOT binary needs (libc, libssl, ICU-free) ----
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /out/slotgate /app/slotgate
# "app" (1654) is the non-root user the .NET images define; numeric so Kubernetes' runAsNonRoot can verify it.
USER 1654:1654
# RESP clients; admin HTTP (/healthz, /readyz, /metrics). Inside a container the admin endpoint must listen on all
# interfaces for probes and scrapers to reach it (Slotgate's own default is 127.0.0.1:9090).
ENV SLOTGATE_ADMIN__LISTEN=0.0.0.0:9090
EXPOSE 7000/tcp 9090/tcp
# No HEALTHCHECK: the image has no shell or HTTP client to run one. Kubernetes probes /healthz and /readyz directly
# (deploy/kubernetes/base/deployment.yaml).
ENTRYPOINT ["/app/slotgate"]
