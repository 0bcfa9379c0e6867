package dev.ratelimiter.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.TestOperatorSettings;
import dev.ratelimiter.operator.customresource.AgentSpec;
import dev.ratelimiter.operator.customresource.Backend;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.settings.OperatorSettings;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The agent Deployment's exact match of what the operator renders in full")
class PodTemplateFieldsTest {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  final AgentDeploymentDependentResource dr = new AgentDeploymentDependentResource();

  static final OperatorSettings SETTINGS =
      TestOperatorSettings.of("agent:1", "redis:7", Set.of()).build();

  Deployment desired(Consumer<RateLimitPolicySpec> build) {
    RateLimitPolicySpec spec = Policies.spec(build);
    return dr.desired(DesiredStateTest.policy(spec), SETTINGS);
  }

  /** The desired Deployment as a real API server stores it: with its defaults filled in. */
  static Deployment stored(Deployment desired) {
    Deployment d = SERIALIZATION.clone(desired);
    d.getSpec().setRevisionHistoryLimit(10);
    d.getSpec().setProgressDeadlineSeconds(600);
    var pod = d.getSpec().getTemplate().getSpec();
    pod.setDnsPolicy("ClusterFirst");
    pod.setRestartPolicy("Always");
    pod.setSchedulerName("default-scheduler");
    pod.setTerminationGracePeriodSeconds(30L);
    pod.getVolumes().get(0).getConfigMap().setDefaultMode(420);
    var c = pod.getContainers().get(0);
    c.setTerminationMessagePath("/dev/termination-log");
    c.setTerminationMessagePolicy("File");
    c.getLivenessProbe().setTimeoutSeconds(1);
    c.getLivenessProbe().setSuccessThreshold(1);
    c.getLivenessProbe().getHttpGet().setScheme("HTTP");
    if (c.getResources() == null) {
      c.setResources(new ResourceRequirements());
    }
    return d;
  }

  @Test
  @DisplayName(
      "takes the API server's defaults, an empty resources object and a re-spelt quantity for no change")
  void serverDefaultsAreNoDrift() {
    Deployment plain = desired(s -> {});
    assertThat(PodTemplateFields.matches(plain, stored(plain))).isTrue();

    Deployment withResources =
        desired(
            s -> {
              AgentSpec a = new AgentSpec();
              a.setResources(
                  new ResourceRequirementsBuilder()
                      .addToRequests("cpu", new Quantity("0.1"))
                      .build());
              s.setAgent(a);
            });
    Deployment live = stored(withResources);
    live.getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .setRequests(java.util.Map.of("cpu", new Quantity("100m")));
    assertThat(PodTemplateFields.matches(withResources, live)).isTrue();
  }

  @Test
  @DisplayName(
      "sees env vars the operator no longer renders, such as those of a removed spec.backend")
  void removedEnvIsDrift() {
    Deployment withBackend = desired(s -> s.setBackend(new Backend("shop-api", 8080, null)));
    Deployment without = desired(s -> {});
    assertThat(PodTemplateFields.matches(without, stored(withBackend))).isFalse();
    assertThat(PodTemplateFields.matches(withBackend, stored(without))).isFalse();
    assertThat(PodTemplateFields.matches(withBackend, stored(withBackend))).isTrue();

    Deployment edited = stored(without);
    edited
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .add(new EnvVarBuilder().withName("DEBUG").withValue("1").build());
    assertThat(PodTemplateFields.matches(without, edited)).as("an env var added by hand").isFalse();
  }

  @Test
  @DisplayName("sees resources the operator no longer renders, and a removed volume or container")
  void removedResourcesVolumesAndContainersAreDrift() {
    Deployment withResources =
        desired(
            s -> {
              AgentSpec a = new AgentSpec();
              a.setResources(
                  new ResourceRequirementsBuilder()
                      .addToLimits("memory", new Quantity("256Mi"))
                      .build());
              s.setAgent(a);
            });
    Deployment without = desired(s -> {});
    assertThat(PodTemplateFields.matches(without, stored(withResources))).isFalse();

    Deployment noTmp = stored(without);
    noTmp.getSpec().getTemplate().getSpec().getVolumes().remove(1);
    assertThat(PodTemplateFields.matches(without, noTmp)).isFalse();

    Deployment sidecar = stored(without);
    sidecar
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .add(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("debug").build());
    assertThat(PodTemplateFields.matches(without, sidecar)).isFalse();
  }

  @Test
  @DisplayName(
      "compares the pod template annotations of ours exactly and leaves others' alone, which the update keeps")
  void templateAnnotations() {
    Deployment hashed =
        dr.desired(
            DesiredStateTest.policy(new RateLimitPolicySpec()),
            SETTINGS,
            java.util.Map.of(SecretHashes.ADMIN_TOKEN, "aa", SecretHashes.REDIS_AUTH, "bb"));
    assertThat(PodTemplateFields.matches(hashed, stored(hashed))).isTrue();

    Deployment restarted = stored(hashed);
    restarted
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .put("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z");
    assertThat(PodTemplateFields.matches(hashed, restarted)).as("another's annotation").isTrue();

    Deployment stray = stored(hashed);
    stray
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .put(SecretHashes.PREFIX + "old-hash", "cc");
    assertThat(PodTemplateFields.matches(hashed, stray))
        .as("one of ours the operator no longer renders")
        .isFalse();

    Deployment next =
        dr.desired(
            DesiredStateTest.policy(new RateLimitPolicySpec()),
            SETTINGS,
            java.util.Map.of(SecretHashes.ADMIN_TOKEN, "aa"));
    PodTemplateFields.keepForeignTemplateAnnotations(restarted, next);
    assertThat(next.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of(
                SecretHashes.ADMIN_TOKEN,
                "aa",
                "kubectl.kubernetes.io/restartedAt",
                "2026-01-01T00:00:00Z"));
  }
}
