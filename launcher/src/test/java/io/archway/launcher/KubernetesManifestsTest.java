package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.archway.core.config.ClusterJoin;
import io.archway.core.config.ConfigLoader;
import io.archway.core.config.GatewayConfig;
import io.archway.core.config.ConfigParser;
import io.archway.core.config.ListenerConfig;
import io.archway.core.config.PoolConfig;
import io.archway.launcher.cli.CommandLine;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifests under k8s/ (the base, and the example overlay on top of it) agree with each other,
 * with the Dockerfile and with the product: ports, probes, the gateway config, the cluster join and
 * the shutdown timing. No cluster is needed: the objects are parsed with the fabric8 model.
 */
class KubernetesManifestsTest {

  /** What a pod's env would get from the downward API; the namespace comes from the manifests. */
  private static final String POD_NAME = "archway-7d9f8b6c5-x2x9q";
  private static final String POD_IP = "10.244.1.17";
  /** After its drains, a node removes itself from the registry and leaves Hazelcast; allow this much. */
  private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(15);
  private static final Set<String> EXPECTED_KINDS = Set.of("Namespace", "ServiceAccount", "ConfigMap", "Secret",
      "Service", "Deployment", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy");

  private static Vertx vertx;
  @TempDir Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  /** One rendered kustomization and the facts every check needs. */
  private final class Rendered {
    final List<HasMetadata> objects;
    final Deployment deployment;
    final PodSpec pod;
    final Container container;
    final String namespace;
    final Map<String, String> env;
    final GatewayConfig config;
    final Path configFile;

    Rendered(String folder) throws IOException {
      objects = Kustomization.render(root().resolve(folder));
      deployment = only(Deployment.class);
      pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getContainers()).hasSize(1);
      container = pod.getContainers().get(0);
      namespace = deployment.getMetadata().getNamespace();
      env = podEnv();
      configFile = mountedConfigFile();
      JsonObject document = ConfigLoader.load(vertx, configFile, env).await();
      // Exactly what `archway run` does with the container's arguments and environment.
      CommandLine cli = CommandLine.parse(container.getArgs().toArray(String[]::new), env);
      config = ConfigParser.parse(cli.applyTo(document), configFile.getParent());
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
      return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T extends HasMetadata> T only(Class<T> kind) {
      List<T> found = all(kind);
      assertThat(found).as(kind.getSimpleName()).hasSize(1);
      return found.get(0);
    }

    <T extends HasMetadata> T named(Class<T> kind, String name) {
      return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " named " + name));
    }

    Map<String, String> podLabels() {
      return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }

    int containerPort(IntOrString port) {
      if (port.getIntVal() != null) return port.getIntVal();
      return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
          .map(ContainerPort::getContainerPort).findFirst()
          .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    Set<Integer> listenerPorts() {
      return config.listeners().stream().map(ListenerConfig::port).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The container's environment as the kubelet builds it: downward API, Secret keys, $(VAR) references. */
    private Map<String, String> podEnv() {
      Map<String, String> out = new LinkedHashMap<>();
      for (EnvVar e : container.getEnv()) {
        String value;
        if (e.getValueFrom() == null) {
          value = expand(e.getValue(), out);
        } else if (e.getValueFrom().getFieldRef() != null) {
          value = switch (e.getValueFrom().getFieldRef().getFieldPath()) {
            case "metadata.name" -> POD_NAME;
            case "metadata.namespace" -> namespace;
            case "status.podIP" -> POD_IP;
            default -> throw new AssertionError("unexpected fieldRef " + e.getValueFrom().getFieldRef());
          };
        } else if (e.getValueFrom().getSecretKeyRef() != null) {
          SecretKeySelector ref = e.getValueFrom().getSecretKeyRef();
          value = secretValue(named(Secret.class, ref.getName()), ref.getKey());
        } else {
          throw new AssertionError("unexpected env source for " + e.getName());
        }
        out.put(e.getName(), value);
      }
      return out;
    }

    /** Writes the ConfigMap's file where the container's --config points, and returns that file. */
    private Path mountedConfigFile() throws IOException {
      List<String> args = container.getArgs();
      String configPath = args.get(args.indexOf("--config") + 1);
      VolumeMount mount = container.getVolumeMounts().stream()
          .filter(m -> configPath.startsWith(m.getMountPath() + "/")).findFirst()
          .orElseThrow(() -> new AssertionError(configPath + " is on no volume mount"));
      ConfigMap map = named(ConfigMap.class, configMapName(volume(mount.getName())));
      String key = configPath.substring(mount.getMountPath().length() + 1);
      assertThat(map.getData()).containsKey(key);
      Path file = Files.createDirectories(dir.resolve(deployment.getMetadata().getName() + "-" + objects.size()))
          .resolve(key);
      Files.writeString(file, map.getData().get(key));
      return file;
    }

    Volume volume(String name) {
      return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no volume " + name));
    }
  }

  /** The ConfigMap behind a volume: a configMap volume, or the configMap source of a projected one. */
  private static String configMapName(Volume volume) {
    if (volume.getConfigMap() != null) return volume.getConfigMap().getName();
    assertThat(volume.getProjected()).as("volume " + volume.getName() + " holds a ConfigMap").isNotNull();
    return volume.getProjected().getSources().stream().filter(s -> s.getConfigMap() != null)
        .map(s -> s.getConfigMap().getName()).findFirst()
        .orElseThrow(() -> new AssertionError("volume " + volume.getName() + " holds no ConfigMap"));
  }

  private static String secretValue(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    assertThat(secret.getData()).as("Secret " + secret.getMetadata().getName()).containsKey(key);
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private static String expand(String value, Map<String, String> earlier) {
    if (value == null) return "";
    Matcher m = REFERENCE.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = earlier.get(m.group(1));
      assertThat(v).as("$(" + m.group(1) + ") refers to a variable defined earlier in the container").isNotNull();
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static Path root() {
    return NodeProcess.projectRoot();
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void everyKindTheIssueAsksForIsThereAndInOneNamespace(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    assertThat(r.objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(EXPECTED_KINDS);
    String namespace = r.only(Namespace.class).getMetadata().getName();
    assertThat(r.objects).filteredOn(o -> !(o instanceof Namespace))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
            .isEqualTo(namespace));
    // Hazelcast's headless Service, the listeners' LoadBalancer, the admin API's ClusterIP (the default type).
    assertThat(r.all(Service.class)).extracting(s -> s.getSpec().getType() == null ? "ClusterIP" : s.getSpec().getType())
        .containsExactlyInAnyOrder("ClusterIP", "ClusterIP", "LoadBalancer");
  }

  /** The model keeps a field it does not know in additionalProperties: that is a typo or a wrong place. */
  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void everyFieldIsOneTheKubernetesApiKnows(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    List<String> unknown = new ArrayList<>();
    for (HasMetadata o : r.objects) unknownFields(o, o.getKind() + "/" + o.getMetadata().getName(), unknown);
    assertThat(unknown).isEmpty();
  }

  private static void unknownFields(Object value, String path, List<String> out) throws Exception {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) unknownFields(list.get(i), path + "[" + i + "]", out);
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) unknownFields(e.getValue(), path + "." + e.getKey(), out);
    } else if (value != null && value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
      for (java.lang.reflect.Method getter : value.getClass().getMethods()) {
        if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
            || getter.getDeclaringClass() != value.getClass()) {
          continue;
        }
        Object field = getter.invoke(value);
        if (getter.getName().equals("getAdditionalProperties")) {
          if (field instanceof Map<?, ?> extra && !extra.isEmpty()) out.add(path + ": " + extra.keySet());
        } else {
          unknownFields(field, path + "." + getter.getName().substring(3), out);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void gatewayYamlIsValidAsArchwayValidateSeesIt(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(new String[] {"validate", r.configFile.toString()}, r.env);
    } finally {
      System.setOut(original);
    }
    assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("valid");
    assertThat(code).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void selectorsMatchThePodsLabels(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    Map<String, String> labels = r.podLabels();
    assertThat(labels).containsAllEntriesOf(r.deployment.getSpec().getSelector().getMatchLabels());
    for (Service s : r.all(Service.class)) {
      assertThat(s.getSpec().getSelector()).as(s.getMetadata().getName()).isNotEmpty();
      assertThat(labels).as(s.getMetadata().getName()).containsAllEntriesOf(s.getSpec().getSelector());
    }
    assertThat(labels).containsAllEntriesOf(r.only(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
    assertThat(labels).containsAllEntriesOf(r.only(NetworkPolicy.class).getSpec().getPodSelector().getMatchLabels());
    var target = r.only(HorizontalPodAutoscaler.class).getSpec().getScaleTargetRef();
    assertThat(target.getKind()).isEqualTo("Deployment");
    assertThat(target.getApiVersion()).isEqualTo(r.deployment.getApiVersion());
    assertThat(target.getName()).isEqualTo(r.deployment.getMetadata().getName());
    assertThat(r.pod.getServiceAccountName()).isEqualTo(r.only(ServiceAccount.class).getMetadata().getName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void listenerServicePortsContainerPortsAndListenersAgree(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    Service listeners = r.all(Service.class).stream()
        .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).findFirst().orElseThrow();
    Set<Integer> targets = new TreeSet<>();
    for (ServicePort p : listeners.getSpec().getPorts()) {
      assertThat(p.getProtocol()).isEqualTo("TCP");
      targets.add(r.containerPort(p.getTargetPort()));
    }
    assertThat(targets).as("the LoadBalancer's target ports are the listeners' ports").isEqualTo(r.listenerPorts());
    // Every container port is a listener, the admin API or Hazelcast; each one's host binds every address.
    Set<Integer> declared = r.container.getPorts().stream().map(ContainerPort::getContainerPort)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<Integer> expected = new TreeSet<>(r.listenerPorts());
    expected.add(r.config.admin().port());
    expected.add(r.config.node().clusterPort());
    assertThat(declared).isEqualTo(expected);
    assertThat(r.config.listeners()).allSatisfy(l -> assertThat(l.host()).isIn("0.0.0.0", "::"));
    assertThat(r.config.node().bindHost()).as("bindHost would move the listeners off 0.0.0.0").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void probesAndTheAdminServiceUseTheAdminApi(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    int admin = r.config.admin().port();
    assertThat(r.config.admin().host()).as("the kubelet probes the pod IP").isIn("0.0.0.0", "::");
    assertThat(r.config.admin().token()).as("a non-loopback admin API needs the token").isPresent();
    assertProbe(r, r.container.getStartupProbe(), "/healthz", admin);
    assertProbe(r, r.container.getLivenessProbe(), "/healthz", admin);
    assertProbe(r, r.container.getReadinessProbe(), "/readyz", admin);
    Service adminService = r.all(Service.class).stream()
        .filter(s -> s.getSpec().getPorts().stream().anyMatch(p -> r.containerPort(p.getTargetPort()) == admin))
        .filter(s -> "ClusterIP".equals(s.getSpec().getType()) && !"None".equals(s.getSpec().getClusterIP()))
        .findFirst().orElseThrow(() -> new AssertionError("no ClusterIP Service for the admin port"));
    assertThat(adminService.getSpec().getPorts()).hasSize(1);
    String scrapePort = r.deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port");
    assertThat(scrapePort).isEqualTo(String.valueOf(admin));
  }

  private static void assertProbe(Rendered r, Probe probe, String path, int port) {
    assertThat(probe).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get.getPath()).isEqualTo(path);
    assertThat(r.containerPort(get.getPort())).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void nodesJoinThroughTheHeadlessService(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    Service headless = r.all(Service.class).stream().filter(s -> "None".equals(s.getSpec().getClusterIP()))
        .findFirst().orElseThrow(() -> new AssertionError("no headless Service"));
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(headless.getSpec().getPorts()).hasSize(1);
    ServicePort port = headless.getSpec().getPorts().get(0);
    assertThat(port.getPort()).isEqualTo(r.config.node().clusterPort());
    assertThat(r.containerPort(port.getTargetPort())).isEqualTo(r.config.node().clusterPort());

    assertThat(r.config.node().clusterJoin()).isEqualTo(ClusterJoin.KUBERNETES);
    assertThat(r.config.node().clusterServiceDns())
        .contains(headless.getMetadata().getName() + "." + r.namespace + ".svc.cluster.local");
    assertThat(r.config.node().clusterHost()).contains(POD_IP);
    assertThat(r.config.node().name()).contains(POD_NAME);
    assertThat(r.pod.getAutomountServiceAccountToken()).as("DNS lookup needs no API token").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void theGracePeriodCoversPreStopDrainsAndLeaving(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    List<String> preStop = r.container.getLifecycle().getPreStop().getExec().getCommand();
    assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
    Duration sleep = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
    Duration drain = r.config.pools().stream().map(PoolConfig::drainTimeout).max(Duration::compareTo)
        .orElse(Duration.ZERO);
    Duration grace = Duration.ofSeconds(r.pod.getTerminationGracePeriodSeconds());
    assertThat(grace).as("preStop %s + longest drainTimeout %s + shutdown %s", sleep, drain, SHUTDOWN_MARGIN)
        .isGreaterThanOrEqualTo(sleep.plus(drain).plus(SHUTDOWN_MARGIN));
    // The readiness probe notices a draining node well within the drain.
    Probe ready = r.container.getReadinessProbe();
    assertThat(Duration.ofSeconds((long) ready.getPeriodSeconds() * ready.getFailureThreshold()))
        .isLessThan(sleep.plus(drain));
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void rollingUpdatesAndDisruptionsKeepCapacity(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    var spec = r.deployment.getSpec();
    assertThat(spec.getReplicas()).isEqualTo(3);
    assertThat(spec.getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(spec.getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(spec.getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
    assertThat(r.only(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    var hpa = r.only(HorizontalPodAutoscaler.class).getSpec();
    assertThat(hpa.getMinReplicas()).isEqualTo(spec.getReplicas());
    assertThat(hpa.getMaxReplicas()).isGreaterThan(hpa.getMinReplicas());
    assertThat(hpa.getMetrics()).singleElement()
        .satisfies(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
    assertThat(r.container.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void onlyListenerPortsAreOpenBeyondTheNamespace(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    NetworkPolicy policy = r.only(NetworkPolicy.class);
    assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
    Set<Integer> openToAll = new TreeSet<>();
    for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
      List<NetworkPolicyPeer> from = rule.getFrom() == null ? List.of() : rule.getFrom();
      boolean namespaceOnly = !from.isEmpty()
          && from.stream().allMatch(p -> p.getNamespaceSelector() == null && p.getIpBlock() == null);
      if (namespaceOnly) continue;
      assertThat(rule.getPorts()).as("a rule open beyond the namespace names its ports").isNotEmpty();
      for (NetworkPolicyPort p : rule.getPorts()) openToAll.add(r.containerPort(p.getPort()));
    }
    assertThat(openToAll).isEqualTo(r.listenerPorts())
        .doesNotContain(r.config.admin().port(), r.config.node().clusterPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void thePodRunsAsNonRootOnAReadOnlyRootWithWritableStateAndTmp(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    assertThat(r.pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(r.container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(r.container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    Map<String, String> writable = new HashMap<>();
    for (VolumeMount m : r.container.getVolumeMounts()) {
      if (r.volume(m.getName()).getEmptyDir() != null) writable.put(m.getMountPath(), m.getName());
    }
    assertThat(writable).containsKeys(r.config.node().stateDir(), "/tmp");
    assertThat(r.container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(r.env.get("ARCHWAY_JAVA_OPTS")).contains("-XX:MaxRAMPercentage=");
  }

  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void theImageRunsWhatTheDeploymentExpects(String folder) throws Exception {
    Rendered r = new Rendered(folder);
    Dockerfile docker = Dockerfile.read(root().resolve("Dockerfile"));
    assertThat(r.container.getCommand()).as("the image's entrypoint runs").isNullOrEmpty();
    assertThat(r.container.getArgs()).isEqualTo(docker.cmd());
    assertThat(docker.entrypoint()).containsExactly("/opt/archway/bin/archway");
    // bin/archway itself is the entrypoint, so the JVM gets its flags; the jar sits where it looks.
    assertThat(docker.runtime()).anyMatch(l -> l.matches("COPY .*bin/archway /opt/archway/bin/archway"));
    assertThat(docker.runtime()).anyMatch(l -> l.matches("COPY --from=build \\S+/launcher/target/archway.jar "
        + "/opt/archway/launcher/target/archway.jar"));
    assertThat(docker.runtime().get(0)).matches("FROM \\S+:17-jre\\S*");
    assertThat(docker.build().get(0)).matches("FROM \\S+17\\S* AS build");
    String user = docker.runtime().stream().filter(l -> l.startsWith("USER ")).findFirst().orElseThrow();
    assertThat(user).isEqualTo("USER " + r.pod.getSecurityContext().getRunAsUser() + ":"
        + r.pod.getSecurityContext().getRunAsGroup());
    // Every Maven module is in the build context of the image.
    Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root().resolve("pom.xml")));
    while (modules.find()) {
      assertThat(docker.build()).contains("COPY " + modules.group(1) + " " + modules.group(1));
    }
    String image = r.container.getImage();
    assertThat(image.substring(image.lastIndexOf('/') + 1)).startsWith("archway:");
  }

  /** Where kubectl is installed, the renderer above must agree with kustomize itself. */
  @ParameterizedTest
  @ValueSource(strings = {"k8s/base", "k8s/overlays/example"})
  void kubectlKustomizeRendersTheSameObjects(String folder) throws Exception {
    Path kubectl = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(p -> Path.of(p, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
    assumeThat(kubectl).as("kubectl on PATH").isNotNull();
    Process p = new ProcessBuilder(kubectl.toString(), "kustomize", root().resolve(folder).toString())
        .redirectErrorStream(false).start();
    String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assumeThat(p.exitValue()).as("kubectl kustomize runs offline here").isZero();
    Path file = dir.resolve("kubectl.yaml");
    Files.writeString(file, yaml);
    List<HasMetadata> theirs = Kustomization.parse(file);
    Rendered ours = new Rendered(folder);
    assertThat(names(theirs)).isEqualTo(names(ours.objects));
    Deployment deployment = theirs.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
        .findFirst().orElseThrow();
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(ours.container.getImage());
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(ours.deployment.getSpec().getReplicas());
    ConfigMap generated = theirs.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
        .findFirst().orElseThrow();
    assertThat(generated.getData()).isEqualTo(ours.only(ConfigMap.class).getData());
    // kustomize renamed the ConfigMap (content hash) and the pod's volume follows the new name.
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getConfigMap() != null || v.getProjected() != null).map(KubernetesManifestsTest::configMapName))
        .containsExactly(generated.getMetadata().getName());
  }

  /** Kind/namespace/name of each object, without the content hash kustomize gives generated names. */
  private static Set<String> names(List<HasMetadata> objects) {
    return objects.stream()
        .map(o -> o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
            + (o instanceof ConfigMap ? o.getMetadata().getName().replaceAll("-[a-z0-9]{10}$", "")
                : o.getMetadata().getName()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The two stages of the Dockerfile as instruction lines (continuations joined), and its exec-form arrays. */
  private record Dockerfile(List<String> build, List<String> runtime, List<String> entrypoint, List<String> cmd) {

    static Dockerfile read(Path file) throws IOException {
      List<String> lines = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String raw : Files.readAllLines(file)) {
        String line = raw.strip();
        if (line.startsWith("#") || line.isEmpty()) continue;
        if (line.endsWith("\\")) {
          current.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        lines.add(current.append(line).toString().replaceAll("\\s+", " "));
        current.setLength(0);
      }
      int second = -1;
      for (int i = 1; i < lines.size(); i++) {
        if (lines.get(i).startsWith("FROM ")) second = i;
      }
      assertThat(lines.get(0)).startsWith("FROM ");
      assertThat(second).as("a multi-stage build").isPositive();
      List<String> runtime = lines.subList(second, lines.size());
      return new Dockerfile(lines.subList(0, second), runtime, execForm(runtime, "ENTRYPOINT"),
          execForm(runtime, "CMD"));
    }

    private static List<String> execForm(List<String> lines, String instruction) {
      String line = lines.stream().filter(l -> l.startsWith(instruction + " ")).reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("no " + instruction));
      JsonArray array = new JsonArray(line.substring(instruction.length() + 1));
      return array.stream().map(String.class::cast).toList();
    }
  }
}
