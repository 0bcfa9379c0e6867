package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.settings.OperatorSettings;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.operator.spec.RedisAccess;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Deployment {@code <name>-agent}: the enforcement agents. Non-root, read-only root filesystem, no
 * service-account token, probes on the management port, spread across nodes. With {@code
 * spec.agent.autoscaling} the replica count is left out, so the HPA owns it. Matching adds an exact
 * comparison of what the operator renders in full ({@link PodTemplateFields}), so that a removed
 * setting (an env var, resources) is noticed, not only an added or changed one.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class AgentDeploymentDependentResource extends PolicyDependentResource<Deployment> {

  public static final String CONTAINER = "agent";
  public static final long RUN_AS_USER = 10001L;

  /**
   * Without {@code spec.agent.resources}: requests for scheduling (and the HPA's CPU target), a
   * memory bound.
   */
  public static final ResourceRequirements DEFAULT_RESOURCES =
      new ResourceRequirementsBuilder()
          .addToRequests("cpu", new Quantity("100m"))
          .addToRequests("memory", new Quantity("128Mi"))
          .addToLimits("memory", new Quantity("256Mi"))
          .build();

  public AgentDeploymentDependentResource() {
    super(Deployment.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.agentDeployment(policy);
  }

  @Override
  protected Deployment desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    Optional<String> redisAuth =
        policy.getSpec().internalRedis()
            ? SecretHashes.recorded(context, Names.redisAuthSecret(policy))
            : RedisAccess.passwordSecret(policy, context)
                .flatMap(
                    s ->
                        SecretHashes.hash(
                            s,
                            policy
                                .getSpec()
                                .getRedis()
                                .getExternal()
                                .getPasswordSecretRef()
                                .getKey()));
    return desired(
        policy,
        OperatorSettings.of(context),
        SecretHashes.annotations(
            SecretHashes.recorded(context, Names.agentAdminSecret(policy)), redisAuth));
  }

  /**
   * The desired object under {@code settings} (the agent image comes from them), without Secret
   * hashes.
   */
  public Deployment desired(RateLimitPolicy policy, OperatorSettings settings) {
    return desired(policy, settings, Map.of());
  }

  /**
   * The desired object under {@code settings}, with the hashes of the Secret values its pods read
   * ({@link SecretHashes}) as pod template annotations: a new value rolls the pods.
   */
  public Deployment desired(
      RateLimitPolicy policy, OperatorSettings settings, Map<String, String> secretHashes) {
    AgentSpec agent = policy.getSpec().effectiveAgent();
    var labels = Labels.of(policy, Labels.AGENT);
    var selector = Labels.selector(policy, Labels.AGENT);
    Integer replicas = agent.getAutoscaling() == null ? agent.effectiveReplicas() : null;
    return new DeploymentBuilder()
        .withMetadata(meta(policy, name(policy), labels))
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(secretHashes.isEmpty() ? null : new LinkedHashMap<>(secretHashes))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS_USER)
        .withRunAsGroup(RUN_AS_USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewTopologySpreadConstraint()
        .withMaxSkew(1)
        .withTopologyKey("kubernetes.io/hostname")
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withNewLabelSelector()
        .withMatchLabels(selector)
        .endLabelSelector()
        .endTopologySpreadConstraint()
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(settings.agentImage())
        .withImagePullPolicy("IfNotPresent")
        .withEnv(AgentContainerEnv.of(policy))
        .addNewPort()
        .withName("http")
        .withContainerPort(Names.AGENT_HTTP_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("grpc")
        .withContainerPort(Names.AGENT_GRPC_PORT)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("management")
        .withContainerPort(Names.AGENT_MANAGEMENT_PORT)
        .withProtocol("TCP")
        .endPort()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/health/live")
        .withPort(new IntOrString("management"))
        .endHttpGet()
        .withPeriodSeconds(10)
        .withFailureThreshold(3)
        .endLivenessProbe()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/health/ready")
        .withPort(new IntOrString("management"))
        .endHttpGet()
        .withPeriodSeconds(5)
        .withFailureThreshold(2)
        .endReadinessProbe()
        .withResources(resources(agent))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .addToDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("policy")
        .withMountPath(Names.POLICY_MOUNT_DIR)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("policy")
        .withNewConfigMap()
        .withName(Names.agentPolicyConfigMap(policy))
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * {@code spec.agent.resources}, or the defaults when it is absent or says nothing ({@code {}}).
   */
  static ResourceRequirements resources(AgentSpec agent) {
    ResourceRequirements r = agent.getResources();
    boolean empty =
        r == null
            || ((r.getRequests() == null || r.getRequests().isEmpty())
                && (r.getLimits() == null || r.getLimits().isEmpty())
                && (r.getClaims() == null || r.getClaims().isEmpty()));
    return empty ? new ResourceRequirementsBuilder(DEFAULT_RESOURCES).build() : r;
  }

  @Override
  public Matcher.Result<Deployment> match(
      Deployment actual,
      Deployment desired,
      RateLimitPolicy primary,
      Context<RateLimitPolicy> context) {
    Matcher.Result<Deployment> generic = super.match(actual, desired, primary, context);
    if (!generic.matched()) {
      return generic;
    }
    return Matcher.Result.computed(PodTemplateFields.matches(desired, actual), desired);
  }

  /**
   * The update replaces the whole spec (SSA is off). Keeps what is not ours: the observed status,
   * the replica count while an HPA owns it (else the API server would default it to 1), and pod
   * template annotations others added (e.g. {@code kubectl rollout restart}'s).
   */
  @Override
  public Deployment update(
      Deployment actual,
      Deployment desired,
      RateLimitPolicy primary,
      Context<RateLimitPolicy> context) {
    desired.setStatus(actual.getStatus());
    if (desired.getSpec().getReplicas() == null && actual.getSpec() != null) {
      desired.getSpec().setReplicas(actual.getSpec().getReplicas());
    }
    PodTemplateFields.keepForeignTemplateAnnotations(actual, desired);
    return super.update(actual, desired, primary, context);
  }
}
