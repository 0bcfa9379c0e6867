package dev.ratelimiter.e2e;

import dev.ratelimiter.testsupport.kubernetes.MockApiServer;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the kubelet and the Deployment controller for one namespace of the mock API server,
 * honestly: for each replica of an agent Deployment the operator rendered, it starts {@code
 * agent.jar} with that container's environment (values from the ConfigMap and Secrets the operator
 * created; {@code POLICY_FILE} pointing at the ConfigMap's {@code policy.yaml} written to a file,
 * as the volume mount would; {@code REDIS_URL} of the operator's Redis Service rewritten to the
 * local redis-server, and {@code BACKEND_URL} to the address the test gave that Service with {@link
 * #serviceAt}, since there is no cluster DNS; {@code BIND_ADDRESS} set to the pod's own loopback
 * address), creates the matching Pod (template labels and spec, {@code status.podIP}, {@code Ready}
 * once {@code /health/ready} answers 200) and writes the Deployments' status. For a Redis
 * Deployment it runs a redis-server with the password of {@code <name>-redis-auth}. A dead agent's
 * Pod is deleted and a replacement started, with a new name and address. When an agent Deployment's
 * pod template changes (e.g. the hash of a recreated Secret), its pods are rolled as the
 * Deployment's strategy says (maxSurge 1, maxUnavailable 0): a pod of the new template is started,
 * and once it is ready a pod of an older template is stopped, until none is left.
 *
 * <p>The agents run with the environment the operator rendered, nothing added: the default Redis
 * timeout holds although three agents, the operator, the mock API server, redis-server and the test
 * share two cores (the timeout counts Redis's time, not a starved agent's).
 */
final class Kubelet implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Kubelet.class);

  private final MockApiServer cluster;
  private final KubernetesClient client;
  private final String namespace;
  private final Path agentJar;
  private final Path workDir;
  private final String subnet;
  private final AtomicInteger nextHost = new AtomicInteger(2);
  private final Map<String, RedisServerProcess> redis = new ConcurrentHashMap<>();
  private final Map<String, AgentProcess> agents = new ConcurrentHashMap<>();

  /** Per agent pod: the hash of the pod template it was started from. */
  private final Map<String, String> templates = new ConcurrentHashMap<>();

  /**
   * Cluster DNS for the Services the test runs itself: {@code <service>.<namespace>.svc:<port>} →
   * {@code host:port}.
   */
  private final Map<String, String> services = new ConcurrentHashMap<>();

  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "kubelet"));

  /**
   * @param subnet the first three octets of the pods' loopback addresses, e.g. {@code 127.0.0}:
   *     pods get {@code <subnet>.2}, {@code .3}, … and keep the container's declared ports
   */
  Kubelet(MockApiServer cluster, String namespace, Path agentJar, Path workDir, String subnet) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.namespace = namespace;
    this.agentJar = agentJar;
    this.workDir = workDir;
    this.subnet = subnet;
    loop.scheduleWithFixedDelay(this::syncQuietly, 0, 100, TimeUnit.MILLISECONDS);
  }

  /** The agents running now, oldest first. */
  List<AgentProcess> agents() {
    return agents.values().stream()
        .filter(AgentProcess::alive)
        .sorted(
            java.util.Comparator.comparing(
                a -> a.ip, java.util.Comparator.comparingInt(Kubelet::host)))
        .toList();
  }

  List<AgentProcess> readyAgents() {
    return agents().stream().filter(AgentProcess::ready).toList();
  }

  /** Kills the agent of {@code pod} (SIGKILL); the next sync replaces it. */
  void kill(String pod) {
    AgentProcess a = agents.get(pod);
    if (a == null) {
      throw new IllegalArgumentException("no agent pod " + pod);
    }
    log.info("killing agent pod {}", a);
    a.kill();
  }

  /**
   * Lets agents reach Service {@code service} port {@code port} of this namespace at {@code
   * address} ({@code host:port}).
   */
  void serviceAt(String service, int port, String address) {
    services.put(service + "." + namespace + ".svc:" + port, address);
  }

  private static int host(String ip) {
    return Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
  }

  private void syncQuietly() {
    try {
      sync();
    } catch (RuntimeException e) {
      log.warn("kubelet sync failed: {}", e.toString());
    }
  }

  private void sync() {
    for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
      Map<String, String> labels =
          Optional.ofNullable(d.getMetadata().getLabels()).orElse(Map.of());
      String component = labels.get("app.kubernetes.io/component");
      if ("redis".equals(component)) {
        syncRedis(d, labels.get("app.kubernetes.io/instance"));
      } else if ("agent".equals(component)) {
        syncAgents(d);
      }
    }
  }

  private void syncRedis(Deployment d, String instance) {
    if (!redis.containsKey(d.getMetadata().getName())) {
      Optional<String> password = secretValue(instance + "-redis-auth", "password");
      if (password.isEmpty()) {
        return;
      }
      redis.put(d.getMetadata().getName(), RedisServerProcess.start(password.get()));
      log.info(
          "redis-server for {} at {}",
          d.getMetadata().getName(),
          redis.get(d.getMetadata().getName()).url());
    }
    writeStatus(d, 1, 1);
  }

  private void syncAgents(Deployment d) {
    String name = d.getMetadata().getName();
    for (AgentProcess a : List.copyOf(agents.values())) {
      if (a.deployment.equals(name) && !a.alive()) {
        agents.remove(a.pod);
        templates.remove(a.pod);
        client.pods().inNamespace(namespace).withName(a.pod).delete();
        log.info("agent pod {} died; Pod deleted", a);
      }
    }
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    String template = templateHash(d);
    List<AgentProcess> mine =
        agents.values().stream().filter(a -> a.deployment.equals(name)).toList();
    long current = mine.stream().filter(a -> template.equals(templates.get(a.pod))).count();
    // during a roll at most one pod beyond the desired count (maxSurge 1)
    long room =
        current == mine.size()
            ? desired - current
            : Math.min(desired - current, desired + 1L - mine.size());
    for (long i = 0; i < room; i++) {
      if (!startAgent(d, template)) {
        break;
      }
    }
    for (AgentProcess a : agents.values()) {
      if (a.deployment.equals(name) && !a.ready() && a.probeReady()) {
        setPodStatus(a, true);
        log.info("agent pod {} ready", a);
      }
    }
    retireOneOlder(name, template, desired);
    mine = agents.values().stream().filter(a -> a.deployment.equals(name)).toList();
    writeStatus(d, mine.size(), (int) mine.stream().filter(AgentProcess::ready).count());
  }

  /**
   * Stops one pod of an older template of Deployment {@code name}: one that is not ready at once, a
   * ready one only while the others ready are at least {@code desired} (maxUnavailable 0).
   */
  private void retireOneOlder(String name, String template, int desired) {
    List<AgentProcess> mine =
        agents.values().stream().filter(a -> a.deployment.equals(name)).toList();
    long ready = mine.stream().filter(AgentProcess::ready).count();
    mine.stream()
        .filter(a -> !template.equals(templates.get(a.pod)))
        .sorted(java.util.Comparator.comparing(AgentProcess::ready))
        .findFirst()
        .filter(a -> !a.ready() || ready - 1 >= desired)
        .ifPresent(
            a -> {
              a.kill();
              agents.remove(a.pod);
              templates.remove(a.pod);
              client.pods().inNamespace(namespace).withName(a.pod).delete();
              log.info("agent pod {} of an older pod template stopped; Pod deleted", a);
            });
  }

  /** Identifies a pod template, like the pod-template-hash label of a ReplicaSet. */
  private String templateHash(Deployment d) {
    return Integer.toHexString(
        client.getKubernetesSerialization().asJson(d.getSpec().getTemplate()).hashCode());
  }

  /**
   * Starts one replica of {@code d}; false when what it needs (ConfigMap, Secrets, Redis) is not
   * there yet.
   */
  private boolean startAgent(Deployment d, String templateHash) {
    var template = d.getSpec().getTemplate();
    Container container = template.getSpec().getContainers().get(0);
    String configMap =
        template.getSpec().getVolumes().stream()
            .filter(v -> v.getConfigMap() != null)
            .findFirst()
            .orElseThrow()
            .getConfigMap()
            .getName();
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(configMap).get();
    if (cm == null) {
      return false;
    }
    String pod =
        d.getMetadata().getName()
            + "-"
            + Integer.toString(
                ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36, 36 * 36 * 36 * 36 * 36), 36);
    String ip = subnet + "." + nextHost.getAndIncrement();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
        Optional<String> v =
            secretValue(
                e.getValueFrom().getSecretKeyRef().getName(),
                e.getValueFrom().getSecretKeyRef().getKey());
        if (v.isEmpty()) {
          return false;
        }
        env.put(e.getName(), v.get());
      } else {
        env.put(e.getName(), e.getValue());
      }
    }
    String redisUrl = env.get("REDIS_URL");
    if (redisUrl != null && redisUrl.matches("redis://[^/]+\\.svc:6379")) {
      String service = redisUrl.substring("redis://".length(), redisUrl.indexOf('.'));
      RedisServerProcess r = redis.get(service);
      if (r == null) {
        return false;
      }
      env.put("REDIS_URL", r.url());
    }
    String backendUrl = env.get("BACKEND_URL");
    if (backendUrl != null) {
      String authority = java.net.URI.create(backendUrl).getRawAuthority();
      String address = services.get(authority);
      if (address == null) {
        return false;
      }
      env.put("BACKEND_URL", backendUrl.replace("//" + authority, "//" + address));
    }
    Path dir = workDir.resolve(pod);
    Path policyFile = dir.resolve("policy.yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(policyFile, cm.getData().get("policy.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("POLICY_FILE", policyFile.toString());
    env.put("BIND_ADDRESS", ip);
    int httpPort = port(container, "http", 8080);
    int managementPort = port(container, "management", 9090);
    AgentProcess a =
        AgentProcess.start(
            pod,
            d.getMetadata().getName(),
            ip,
            httpPort,
            managementPort,
            agentJar,
            env,
            dir.resolve("agent.log"));
    agents.put(pod, a);
    templates.put(pod, templateHash);
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(namespace)
            .withLabels(template.getMetadata().getLabels())
            .endMetadata()
            .withSpec(template.getSpec())
            .build();
    client.pods().inNamespace(namespace).resource(p).create();
    setPodStatus(a, false);
    log.info("agent pod {} started", a);
    return true;
  }

  private static int port(Container c, String name, int fallback) {
    return c.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(fallback);
  }

  private void setPodStatus(AgentProcess a, boolean ready) {
    cluster.setPodStatus(
        namespace,
        a.pod,
        new PodStatusBuilder()
            .withPhase("Running")
            .withPodIP(a.ip)
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .build());
  }

  private void writeStatus(Deployment d, int replicas, int ready) {
    var s = d.getStatus();
    if (s != null
        && Objects.equals(s.getReplicas(), replicas)
        && Objects.equals(s.getReadyReplicas(), ready)
        && Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration())) {
      return;
    }
    cluster.setDeploymentStatus(namespace, d.getMetadata().getName(), replicas, ready);
  }

  private Optional<String> secretValue(String name, String key) {
    Secret s = client.secrets().inNamespace(namespace).withName(name).get();
    if (s == null || s.getData() == null || s.getData().get(key) == null) {
      return Optional.empty();
    }
    return Optional.of(
        new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    agents.values().forEach(AgentProcess::kill);
    redis.values().forEach(RedisServerProcess::close);
  }
}
