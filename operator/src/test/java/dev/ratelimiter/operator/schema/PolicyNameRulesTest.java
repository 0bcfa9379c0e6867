package dev.ratelimiter.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.customresource.PolicyNameRules;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.operator.spec.PolicyValidator;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A policy's name, which names its Service and every object made for it,")
class PolicyNameRulesTest {

  static CrdSchema crd;

  @BeforeAll
  static void load() {
    crd = new CrdSchema(MockCluster.generatedCrd());
  }

  static String policy(String name) {
    return "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\nmetadata: {name: '"
        + name
        + "'}\nspec: {}\n";
  }

  static List<String> validator(String name) throws IOException {
    return PolicyValidator.validate(CrdSchema.YAML.readValue(policy(name), RateLimitPolicy.class));
  }

  @Test
  @DisplayName(
      "may be as long as the longest suffix leaves room for within 63 characters, and no longer")
  void longestNameIsDerivedFromTheLongestSuffix() {
    int longestSuffix = Names.objectNames("").stream().mapToInt(String::length).max().orElseThrow();
    assertThat(PolicyNameRules.MAX_POLICY_NAME_LENGTH)
        .isEqualTo(PolicyNameRules.MAX_NAME_LENGTH - longestSuffix);
    String longest = "a".repeat(PolicyNameRules.MAX_POLICY_NAME_LENGTH);
    assertThat(Names.objectNames(longest))
        .allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(63));
    assertThat(Names.objectNames(longest + "b"))
        .anySatisfy(n -> assertThat(n.length()).isGreaterThan(63));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a", "public-api", "api2", "a-b-c"})
  @DisplayName("is accepted by the CRD's rules and the operator when it makes valid names")
  void acceptsValidNames(String name) throws IOException {
    assertThat(crd.allErrors(policy(name))).isEmpty();
    assertThat(validator(name)).isEmpty();
  }

  @Test
  @DisplayName(
      "of the longest length is accepted, one character more refused by the CRD and by the operator, which names the limit")
  void tooLongIsRefused() throws IOException {
    String fits = "p" + "x".repeat(PolicyNameRules.MAX_POLICY_NAME_LENGTH - 1);
    assertThat(crd.allErrors(policy(fits))).isEmpty();
    assertThat(validator(fits)).isEmpty();

    String tooLong = "p" + "x".repeat(57);
    assertThat(crd.allErrors(policy(tooLong)))
        .singleElement()
        .asString()
        .contains("metadata.name must be at most 50 characters");
    assertThat(validator(tooLong))
        .containsExactly(
            "metadata.name: '"
                + tooLong
                + "' is 58 characters; the longest object name it makes, '"
                + tooLong
                + "-agent-policy', would be 71 > 63 (a policy name has at most 50 characters)");
    IntStream.of(51, 63, 64, 253)
        .forEach(
            n ->
                assertThat(crd.allErrors(policy("p".repeat(n))))
                    .as("%d characters", n)
                    .isNotEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1api", "api.v1", "api-", "-api"})
  @DisplayName(
      "that is no DNS-1035 label (a real API server refuses such a Service name) is refused by the CRD and the operator")
  void nonLabelIsRefused(String name) throws IOException {
    assertThat(crd.allErrors(policy(name)))
        .singleElement()
        .asString()
        .contains("metadata.name must be a DNS-1035 label");
    assertThat(validator(name))
        .singleElement()
        .asString()
        .startsWith("metadata.name: '" + name + "' is not a DNS-1035 label")
        .endsWith("which the policy's Service '" + name + "' needs");
  }
}
