package dev.ratelimiter.operator.settings;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The operator's settings, every one read from the environment and checked here, in one place
 * ({@link #fromEnv}): a bad value is an {@link IllegalArgumentException} whose message names the
 * setting and what it accepts, which {@code OperatorMain} prints as its one line before exiting 2.
 * Immutable: the reconciler hands the settings to its dependents through the reconcile context
 * ({@link #of(Context)}), nothing reads them from a static.
 */
public final class OperatorSettings {

  public static final String DEFAULT_REDIS_IMAGE = "redis:7.4.2-alpine";

  /**
   * The install's namespace (deploy/): where the operator runs unless OPERATOR_NAMESPACE says
   * otherwise.
   */
  public static final String DEFAULT_OPERATOR_NAMESPACE = "ratelimiter-system";

  public static final int DEFAULT_HEALTH_PORT = 8081;

  private final String agentImage;
  private final String redisImage;
  private final Set<String> watchNamespaces;
  private final String operatorNamespace;
  private final List<String> redisAllowedHosts;
  private final int healthPort;
  private final boolean leaderElection;
  private final String leaseNamespace;

  private OperatorSettings(
      String agentImage,
      String redisImage,
      Set<String> watchNamespaces,
      String operatorNamespace,
      List<String> redisAllowedHosts,
      int healthPort,
      boolean leaderElection,
      String leaseNamespace) {
    this.agentImage = agentImage;
    this.redisImage = redisImage;
    this.watchNamespaces = Set.copyOf(watchNamespaces);
    this.operatorNamespace = operatorNamespace;
    this.redisAllowedHosts = List.copyOf(redisAllowedHosts);
    this.healthPort = healthPort;
    this.leaderElection = leaderElection;
    this.leaseNamespace = leaseNamespace;
  }

  /**
   * Reads and checks every setting. OPERATOR_NAMESPACE and LEASE_NAMESPACE may stay unset: then
   * {@link #withPodNamespace} fills them in once the cluster connection says where the pod runs.
   *
   * @throws IllegalArgumentException naming the first bad setting, e.g. {@code HEALTH_PORT='x' is
   *     not a whole number in 1 .. 65535}
   */
  public static OperatorSettings fromEnv(Map<String, String> env) {
    return new OperatorSettings(
        OperatorEnvironment.AGENT_IMAGE.read(env),
        OperatorEnvironment.REDIS_IMAGE.read(env),
        Set.copyOf(OperatorEnvironment.WATCH_NAMESPACES.read(env)),
        OperatorEnvironment.OPERATOR_NAMESPACE.read(env),
        OperatorEnvironment.REDIS_ALLOWED_HOSTS.read(env),
        OperatorEnvironment.HEALTH_PORT.read(env),
        OperatorEnvironment.LEADER_ELECTION.read(env),
        OperatorEnvironment.LEASE_NAMESPACE.read(env));
  }

  /**
   * The settings a reconcile runs with, as {@code RateLimitPolicyReconciler} put them into its
   * context.
   */
  public static OperatorSettings of(Context<?> context) {
    return context
        .managedWorkflowAndDependentResourceContext()
        .getMandatory(OperatorSettings.class, OperatorSettings.class);
  }

  /** Puts these settings into a reconcile's context, for {@link #of(Context)}. */
  public void putInto(Context<?> context) {
    context.managedWorkflowAndDependentResourceContext().put(OperatorSettings.class, this);
  }

  /**
   * The same settings with OPERATOR_NAMESPACE and LEASE_NAMESPACE defaulted to the pod's namespace
   * where unset.
   */
  public OperatorSettings withPodNamespace(String namespace) {
    return new OperatorSettings(
        agentImage,
        redisImage,
        watchNamespaces,
        operatorNamespace == null ? namespace : operatorNamespace,
        redisAllowedHosts,
        healthPort,
        leaderElection,
        leaseNamespace == null ? namespace : leaseNamespace);
  }

  /** The version in the jar's manifest, else the build's {@code project.version}, else "latest". */
  public static String projectVersion() {
    String v = OperatorSettings.class.getPackage().getImplementationVersion();
    if (v == null) {
      v = System.getProperty("project.version");
    }
    return v == null ? "latest" : v;
  }

  public String agentImage() {
    return agentImage;
  }

  public String redisImage() {
    return redisImage;
  }

  /** Empty = all namespaces. */
  public Set<String> watchNamespaces() {
    return watchNamespaces;
  }

  /**
   * Where the operator's pods run: NetworkPolicy {@code <name>-agent} admits the agents' management
   * port only from this namespace (the policy push comes from there).
   */
  public String operatorNamespace() {
    return operatorNamespace == null ? DEFAULT_OPERATOR_NAMESPACE : operatorNamespace;
  }

  /** REDIS_ALLOWED_HOSTS: hosts an external Redis may be on; empty = any. */
  public List<String> redisAllowedHosts() {
    return redisAllowedHosts;
  }

  /**
   * True when REDIS_ALLOWED_HOSTS is unset, names {@code host}, or holds a suffix ({@code
   * .redis.svc}) of it.
   */
  public boolean redisHostAllowed(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return redisAllowedHosts.isEmpty()
        || redisAllowedHosts.stream()
            .anyMatch(a -> a.startsWith(".") ? h.endsWith(a) : h.equals(a));
  }

  /** HEALTH_PORT: {@code /healthz}, {@code /readyz} and {@code /metrics}. */
  public int healthPort() {
    return healthPort;
  }

  /** LEADER_ELECTION: whether to take the Lease before reconciling. */
  public boolean leaderElection() {
    return leaderElection;
  }

  /** LEASE_NAMESPACE: where the Lease lives (the operator's namespace when unset). */
  public String leaseNamespace() {
    return leaseNamespace == null ? operatorNamespace() : leaseNamespace;
  }
}
