package dev.ratelimiter.operator;

import static dev.ratelimiter.operator.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.StatusConditions;
import dev.ratelimiter.operator.spec.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName(
    "The operator, given a policy whose name a real API server would refuse in the names it makes,")
class InvalidNameTest {

  MockCluster cluster;

  @BeforeAll
  void start() {
    cluster = new MockCluster();
    cluster.startOperator();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  @Test
  @DisplayName(
      "answers Ready=False InvalidSpec naming metadata.name and the limit, and creates nothing (the mock accepts any name)")
  void tooLongNameIsRefused() {
    String ns = cluster.newNamespace("names");
    String name = "p" + "x".repeat(57);
    cluster.create(policy(ns, name, new RateLimitPolicySpec()));
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.reconciled(ns, name));

    Condition ready =
        StatusConditions.find(
            cluster.get(ns, name).getStatus().getConditions(), StatusConditions.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage())
        .isEqualTo(
            "invalid spec, nothing changed: metadata.name: '"
                + name
                + "' is 58 characters; the longest object name it makes, '"
                + name
                + "-agent-policy', would be 71 > 63 (a policy name has at most 50 characters)");
    assertThat(cluster.client().apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(cluster.client().services().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(cluster.client().secrets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(
            cluster
                .client()
                .configMaps()
                .inNamespace(ns)
                .withLabel(Labels.INSTANCE)
                .list()
                .getItems())
        .isEmpty();
  }
}
