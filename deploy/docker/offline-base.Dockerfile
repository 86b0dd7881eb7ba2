# Stand-in for mcr.microsoft.com/dotnet/aspnet:10.0 where no registry is reachable; deploy/lab/compose-lab.sh
# builds it FROM a debootstrap of Debian bookworm (imported as meshactors/debootstrap:bookworm) with the host's
# .NET runtime as the context, and tags it with the upstream name, so deploy/docker/Dockerfile builds unchanged.
# Like the upstream image: the runtime in /usr/share/dotnet, `dotnet` on PATH, no SDK.
FROM meshactors/debootstrap:bookworm
ARG RUNTIME_VERSION
LABEL org.meshactors.offline-base=$RUNTIME_VERSION
COPY dotnet/ /usr/share/dotnet/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_VERSION=$RUNTIME_VERSION \
    ASPNET_VERSION=$RUNTIME_VERSION
