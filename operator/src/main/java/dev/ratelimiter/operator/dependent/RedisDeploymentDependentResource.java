package dev.ratelimiter.operator.dependent;

import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.settings.OperatorSettings;
import dev.ratelimiter.operator.spec.Labels;
import dev.ratelimiter.operator.spec.Names;
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
 * Deployment {@code <name>-redis}: one Redis with {@code requirepass} and no persistence (counters
 * live for a window at most), probed with PING (the password from {@code REDISCLI_AUTH}, never on
 * the probe's command line). Its memory is bounded: {@code maxmemory} below the container's limit
 * with {@code noeviction}, so a full Redis refuses writes (the agents' failure policy decides)
 * rather than silently evicting counters, which would hand clients fresh quota.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RedisDeploymentDependentResource extends PolicyDependentResource<Deployment> {

  public static final String CONTAINER = "redis";

  /**
   * The password's one variable: redis-cli (the probe) reads it by this name, redis-server gets it
   * as an argument.
   */
  public static final String PASSWORD_ENV = "REDISCLI_AUTH";

  /** The uid of the "redis" user in the official alpine image. */
  public static final long RUN_AS_USER = 999L;

  /** About 75% of {@link #MEMORY_LIMIT}: room for Redis's own overhead and client buffers. */
  public static final String MAXMEMORY = "96mb";

  public static final String MEMORY_LIMIT = "128Mi";
  public static final ResourceRequirements RESOURCES =
      new ResourceRequirementsBuilder()
          .addToRequests("cpu", new Quantity("50m"))
          .addToRequests("memory", new Quantity("64Mi"))
          .addToLimits("memory", new Quantity(MEMORY_LIMIT))
          .build();

  public RedisDeploymentDependentResource() {
    super(Deployment.class);
  }

  @Override
  protected String name(RateLimitPolicy policy) {
    return Names.redisDeployment(policy);
  }

  @Override
  protected Deployment desired(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    return desired(
        policy,
        OperatorSettings.of(context),
        SecretHashes.annotations(
            Optional.empty(), SecretHashes.recorded(context, Names.redisAuthSecret(policy))));
  }

  /**
   * The desired object under {@code settings} (the Redis image comes from them), without the
   * password's hash.
   */
  public Deployment desired(RateLimitPolicy policy, OperatorSettings settings) {
    return desired(policy, settings, Map.of());
  }

  /**
   * As above, with the password's hash as a pod template annotation ({@link SecretHashes}): a new
   * password rolls Redis.
   */
  public Deployment desired(
      RateLimitPolicy policy, OperatorSettings settings, Map<String, String> secretHashes) {
    var labels = Labels.of(policy, Labels.REDIS);
    // redis-cli reads the password from REDISCLI_AUTH: never on a command line (ps,
    // /proc/<pid>/cmdline)
    String ping = "redis-cli -p " + Names.REDIS_PORT + " ping | grep -q PONG";
    return new DeploymentBuilder()
        .withMetadata(meta(policy, name(policy), labels))
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(Labels.selector(policy, Labels.REDIS))
        .endSelector()
        .withNewStrategy()
        .withType("Recreate")
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
        .withFsGroup(RUN_AS_USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(settings.redisImage())
        .withImagePullPolicy("IfNotPresent")
        .withCommand("redis-server")
        .withArgs(
            "--requirepass", "$(" + PASSWORD_ENV + ")",
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--port", String.valueOf(Names.REDIS_PORT),
            "--maxmemory", MAXMEMORY,
            "--maxmemory-policy", "noeviction")
        .withResources(new ResourceRequirementsBuilder(RESOURCES).build())
        .addNewEnv()
        .withName(PASSWORD_ENV)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(Names.redisAuthSecret(policy))
        .withKey(Names.REDIS_PASSWORD_KEY)
        .endSecretKeyRef()
        .endValueFrom()
        .endEnv()
        .addNewPort()
        .withName("redis")
        .withContainerPort(Names.REDIS_PORT)
        .withProtocol("TCP")
        .endPort()
        .withNewLivenessProbe()
        .withNewTcpSocket()
        .withPort(new IntOrString("redis"))
        .endTcpSocket()
        .withPeriodSeconds(10)
        .endLivenessProbe()
        .withNewReadinessProbe()
        .withNewExec()
        .withCommand("sh", "-c", ping)
        .endExec()
        .withPeriodSeconds(5)
        .endReadinessProbe()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .addToDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("data")
        .withMountPath("/data")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("data")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Matches what the generic matcher sees and, exactly, what is rendered in full ({@link
   * PodTemplateFields}).
   */
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
   * Keeps the Deployment's observed status and others' pod template annotations in the replacing
   * PUT.
   */
  @Override
  public Deployment update(
      Deployment actual,
      Deployment desired,
      RateLimitPolicy primary,
      Context<RateLimitPolicy> context) {
    desired.setStatus(actual.getStatus());
    PodTemplateFields.keepForeignTemplateAnnotations(actual, desired);
    return super.update(actual, desired, primary, context);
  }
}
