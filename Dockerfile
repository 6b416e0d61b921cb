# syntax=docker/dockerfile:1
# Archway's image: `docker build -t archway:0.1.0-SNAPSHOT .` at the repository root (BuildKit, the
# default builder, caches Maven's downloads between builds). Kubernetes manifests: k8s/.
#   docker run --rm archway:0.1.0-SNAPSHOT validate /etc/archway/gateway.yaml
#   docker run --rm -p 6380:6380 -p 9090:9090 -v "$PWD/my.yaml:/etc/archway/gateway.yaml:ro" archway:0.1.0-SNAPSHOT

# Build: the same Maven build as bin/archway's, on a JDK 17. Tests run in CI, not here.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY core core
COPY proxy-verticle proxy-verticle
COPY health-verticle health-verticle
COPY admin-verticle admin-verticle
COPY launcher launcher
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

# Run: a JRE 17, the fat jar and bin/archway, which starts it with the JVM flags Hazelcast needs, so
# a container runs exactly what `bin/archway run` runs anywhere else. ARCHWAY_JAVA_OPTS adds flags.
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 archway \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/archway --shell /usr/sbin/nologin archway \
 && mkdir -p /etc/archway /var/lib/archway \
 && chown archway:archway /var/lib/archway
COPY --chmod=0755 bin/archway /opt/archway/bin/archway
COPY --from=build /src/launcher/target/archway.jar /opt/archway/launcher/target/archway.jar
COPY conf/gateway.yaml /etc/archway/gateway.yaml
# Heap from the container's memory limit, not the host's.
ENV ARCHWAY_JAVA_OPTS="-XX:MaxRAMPercentage=50"
# The node's state (the last applied config) lands here unless the config says otherwise.
WORKDIR /var/lib/archway
USER 10001:10001
# Listener ports of the default config, the admin API, Hazelcast.
EXPOSE 6380 9090 5701
ENTRYPOINT ["/opt/archway/bin/archway"]
CMD ["run", "--config", "/etc/archway/gateway.yaml"]
