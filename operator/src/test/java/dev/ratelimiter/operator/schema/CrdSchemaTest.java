package dev.ratelimiter.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.spec.PolicyValidator;
import dev.ratelimiter.policy.Algorithm;
import dev.ratelimiter.policy.ClientKeySource;
import dev.ratelimiter.policy.FailurePolicy;
import dev.ratelimiter.policy.ForwardedHeader;
import dev.ratelimiter.policy.MissingHeader;
import dev.ratelimiter.policy.Mode;
import dev.ratelimiter.policy.Policy;
import dev.ratelimiter.policy.PolicyCases;
import dev.ratelimiter.policy.WindowFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The generated CRD schema and CEL rules")
class CrdSchemaTest {

  static CrdSchema crd;

  @BeforeAll
  static void load() {
    crd = new CrdSchema(MockCluster.generatedCrd());
  }

  static String example(String name) throws IOException {
    try (var in = CrdSchemaTest.class.getResourceAsStream("/examples/" + name)) {
      return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String policy(String specYaml) {
    return "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\nmetadata: {name: x}\nspec:\n"
        + specYaml.stripIndent().indent(2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"minimal.yaml", "full.yaml", "external-redis.yaml"})
  @DisplayName("accept the example policies, which the operator's validator accepts too")
  void examplesAreValid(String file) throws IOException {
    String yaml = example(file);
    assertThat(crd.allErrors(yaml)).isEmpty();
    RateLimitPolicy p = CrdSchema.YAML.readValue(yaml, RateLimitPolicy.class);
    assertThat(PolicyValidator.validate(p)).isEmpty();
  }

  @Test
  @DisplayName("contain CEL rules that all compile and that cel-java can evaluate")
  void rulesCompile() {
    assertThat(crd.rules())
        .extracting(CrdSchema.Rule::path)
        .containsExactlyInAnyOrder(
            "",
            "",
            "",
            ".spec.agent.autoscaling",
            ".spec.limits",
            ".spec.limits[*]",
            ".spec.limits[*]",
            ".spec.limits[*]",
            ".spec.limits[*]",
            ".spec.limits[*]",
            ".spec.redis.external",
            ".spec.redis.external",
            ".spec.redis.external.url",
            ".spec.redis.external.url",
            ".spec.clientKey.trustedProxies",
            ".spec.clientKey",
            ".spec.clientKey",
            ".spec.clientKey",
            ".spec",
            ".spec",
            ".spec",
            ".spec.plan.from",
            ".spec.exempt",
            ".spec.limits[*].match");
  }

  static Stream<Arguments> invalid() {
    // the policy fields' cases are in policy-cases.yaml (policyCases below)
    return Stream.of(
        Arguments.of("zero replicas", "agent: {replicas: 0}", "/spec/agent/replicas"),
        Arguments.of(
            "autoscaling without maxReplicas",
            "agent: {autoscaling: {minReplicas: 2}}",
            "maxReplicas"),
        Arguments.of(
            "autoscaling with min above max",
            "agent: {autoscaling: {minReplicas: 5, maxReplicas: 3}}",
            "minReplicas must not exceed maxReplicas"),
        Arguments.of(
            "a CPU target over 100%",
            "agent: {autoscaling: {maxReplicas: 3, targetCPUUtilizationPercentage: 150}}",
            "/spec/agent/autoscaling/targetCPUUtilizationPercentage"),
        Arguments.of(
            "an unknown service type",
            "agent: {service: {type: ExternalName}}",
            "/spec/agent/service/type"),
        Arguments.of("port 70000", "agent: {service: {port: 70000}}", "/spec/agent/service/port"),
        Arguments.of(
            "an http:// Redis URL",
            "redis: {external: {url: 'http://redis:6379'}}",
            "/spec/redis/external/url"),
        Arguments.of(
            "a Redis URL with a password",
            "redis: {external: {url: 'redis://:pw@r:6379'}}",
            "url must not carry credentials"),
        Arguments.of(
            "an external Redis without URL",
            "redis: {external: {passwordSecretRef: {name: s, key: k}}}",
            "url"),
        Arguments.of(
            "a password ref without key",
            "redis: {external: {url: 'redis://r:6379', passwordSecretRef: {name: s}}}",
            "key"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  @DisplayName("reject each invalid policy, naming the field or the rule")
  void rejectsInvalid(String what, String spec, String expected) {
    List<String> errors = crd.allErrors(policy(spec));
    assertThat(errors).as(what).isNotEmpty();
    assertThat(String.join("\n", errors)).as(what).contains(expected);
  }

  static Stream<Arguments> invalidBackends() {
    return Stream.of(
        Arguments.of(
            "port 0",
            "backend: {service: shop-api, port: 0}",
            "/spec/backend/port",
            "spec.backend.port"),
        Arguments.of(
            "port 65536",
            "backend: {service: shop-api, port: 65536}",
            "/spec/backend/port",
            "spec.backend.port"),
        Arguments.of("no port", "backend: {service: shop-api}", "port", "spec.backend.port"),
        Arguments.of("no service", "backend: {port: 8080}", "service", "spec.backend.service"),
        Arguments.of(
            "an upper-case service",
            "backend: {service: Shop-Api, port: 8080}",
            "/spec/backend/service",
            "spec.backend.service"),
        Arguments.of(
            "a service starting with a digit",
            "backend: {service: 1shop, port: 8080}",
            "/spec/backend/service",
            "spec.backend.service"),
        Arguments.of(
            "a service ending with '-'",
            "backend: {service: shop-, port: 8080}",
            "/spec/backend/service",
            "spec.backend.service"),
        Arguments.of(
            "a service with a dot",
            "backend: {service: shop.api, port: 8080}",
            "/spec/backend/service",
            "spec.backend.service"),
        Arguments.of(
            "a service of 64 characters",
            "backend: {service: " + "s".repeat(64) + ", port: 8080}",
            "/spec/backend/service",
            "spec.backend.service"),
        Arguments.of(
            "a timeout of 0s",
            "backend: {service: shop-api, port: 8080, timeoutSeconds: 0}",
            "/spec/backend/timeoutSeconds",
            "spec.backend.timeoutSeconds"),
        Arguments.of(
            "a timeout of 301s",
            "backend: {service: shop-api, port: 8080, timeoutSeconds: 301}",
            "/spec/backend/timeoutSeconds",
            "spec.backend.timeoutSeconds"),
        Arguments.of(
            "the policy's own Service",
            "backend: {service: x, port: 8080}",
            "must not be a Service the operator creates",
            "spec.backend.service"),
        Arguments.of(
            "the policy's Redis Service",
            "backend: {service: x-redis, port: 6379}",
            "must not be a Service the operator creates",
            "spec.backend.service"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBackends")
  @DisplayName(
      "reject each invalid backend, and so does the operator's validator, naming the field")
  void rejectsInvalidBackends(String what, String spec, String schemaError, String field)
      throws IOException {
    List<String> errors = crd.allErrors(policy(spec));
    assertThat(errors).as(what).isNotEmpty();
    assertThat(String.join("\n", errors)).as(what).contains(schemaError);
    RateLimitPolicy p = CrdSchema.YAML.readValue(policy(spec), RateLimitPolicy.class);
    assertThat(PolicyValidator.validate(p))
        .as(what)
        .singleElement()
        .asString()
        .startsWith(field + ": ");
  }

  static Stream<Arguments> validBackends() {
    return Stream.of(
        Arguments.of("backend: {service: shop-api, port: 8080}"),
        Arguments.of("backend: {service: s, port: 1, timeoutSeconds: 1}"),
        Arguments.of(
            "backend: {service: " + "s".repeat(63) + ", port: 65535, timeoutSeconds: 300}"),
        Arguments.of("backend: {service: x-api, port: 80}"),
        Arguments.of("backend: {service: a1-b2, port: 443, timeoutSeconds: 30}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validBackends")
  @DisplayName("accept a backend within the bounds, as the operator's validator does")
  void acceptsValidBackends(String spec) throws IOException {
    assertThat(crd.allErrors(policy(spec))).isEmpty();
    RateLimitPolicy p = CrdSchema.YAML.readValue(policy(spec), RateLimitPolicy.class);
    assertThat(PolicyValidator.validate(p)).isEmpty();
  }

  @Test
  @DisplayName(
      "default an empty spec the way the operator does: one limit of 10 per minute, 2 agents behind port 80")
  void schemaDefaultsMatchOperatorDefaults() {
    var spec = crd.openApiSchema.path("properties").path("spec").path("properties");
    Policy shared = Policy.defaultPolicy();
    var limit = shared.limits().get(0);
    assertThat(spec.path("limits").path("default"))
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.path("name").asText()).isEqualTo(limit.name());
              assertThat(l.path("requests").asLong()).isEqualTo(limit.requests());
              assertThat(WindowFormat.parseSeconds(l.path("window").asText()))
                  .isEqualTo(limit.windowSeconds());
              assertThat(l.path("algorithm").asText()).isEqualTo(limit.algorithm().name());
            });
    var empty = new dev.ratelimiter.operator.customresource.RateLimitPolicySpec();
    assertThat(spec.path("failurePolicy").path("default").asText())
        .isEqualTo(shared.failurePolicy().name());
    assertThat(spec.path("mode").path("default").asText()).isEqualTo(shared.mode().name());
    assertThat(spec.has("exempt") && spec.path("exempt").has("default"))
        .as("no default: absent means nobody is exempt")
        .isFalse();
    assertThat(spec.path("clientKey").path("default").isObject()).isTrue();
    assertThat(
            spec.path("clientKey")
                .path("properties")
                .path("ipv6PrefixLength")
                .path("default")
                .asInt())
        .isEqualTo(shared.clientKey().ipv6PrefixLength());
    assertThat(
            spec.path("clientKey")
                .path("properties")
                .path("forwardedHeader")
                .path("default")
                .asText())
        .isEqualTo(shared.clientKey().forwardedHeader().name());
    assertThat(spec.path("agent").path("default").isObject()).isTrue();
    var agent = spec.path("agent").path("properties");
    assertThat(agent.path("replicas").path("default").asInt())
        .isEqualTo(empty.effectiveAgent().effectiveReplicas());
    assertThat(agent.path("service").path("default").isObject()).isTrue();
    assertThat(agent.path("service").path("properties").path("port").path("default").asInt())
        .isEqualTo(empty.effectiveAgent().effectiveService().effectivePort());
    assertThat(agent.path("service").path("properties").path("type").path("default").asText())
        .isEqualTo(empty.effectiveAgent().effectiveService().effectiveType().name());
    assertThat(spec.has("redis") && spec.path("redis").has("default"))
        .as("no default: absent means the operator runs Redis")
        .isFalse();
    assertThat(spec.path("backend").has("default"))
        .as("no default: absent means the agents answer /api themselves")
        .isFalse();
    assertThat(
            spec.path("backend").path("properties").path("timeoutSeconds").path("default").asInt())
        .isEqualTo(
            new dev.ratelimiter.operator.customresource.Backend("b", 80, null)
                .effectiveTimeoutSeconds());
  }

  @Test
  @DisplayName("list every known value of the policy's enums, so kubectl explain shows them")
  void enumsAreTheSharedOnes() {
    var props = crd.openApiSchema.path("properties").path("spec").path("properties");
    assertThat(props.path("clientKey").path("properties").path("forwardedHeader").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(names(ForwardedHeader.values()));
    assertThat(props.path("clientKey").path("properties").path("source").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(names(ClientKeySource.values()));
    assertThat(props.path("clientKey").path("properties").path("missing").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(names(MissingHeader.values()));
    assertThat(props.path("mode").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(names(Mode.values()));
    assertThat(props.path("failurePolicy").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(names(FailurePolicy.values()));
    assertThat(props.path("limits").path("items").path("properties").path("algorithm").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(names(Algorithm.values()));
  }

  private static String[] names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toArray(String[]::new);
  }

  /** 10 read as an int and 10 written from a Long are the same value. */
  private static int sameValue(JsonNode a, JsonNode b) {
    boolean same =
        a.equals(b)
            || (a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0);
    return same ? 0 : 1;
  }

  static List<PolicyCases.Case> policyCases() {
    return PolicyCases.all();
  }

  static String policy(PolicyCases.Case c) {
    return "{\"apiVersion\": \"ratelimiter.dev/v1alpha1\", \"kind\": \"RateLimitPolicy\", \"metadata\": {\"name\": \"x\"}, \"spec\": "
        + c.spec()
        + "}";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policyCases")
  @DisplayName(
      "judge every case of the shared policy table as the shared rules do, naming the field or one containing it")
  void policyCasesGetTheSharedVerdict(PolicyCases.Case c) {
    List<CrdSchema.Problem> problems = crd.problems(policy(c));
    if (c.valid()) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).as("refused").isNotEmpty();
      assertThat(problems)
          .as("naming spec.%s", c.field())
          .anyMatch(p -> p.names("spec." + c.field()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policyCases")
  @DisplayName(
      "judge every case the spec types can hold as the operator's validator does, naming the same field")
  void policyCasesGetTheSameVerdictFromTheValidator(PolicyCases.Case c) throws IOException {
    RateLimitPolicySpec spec;
    try {
      spec = CrdSchema.YAML.treeToValue(c.spec(), RateLimitPolicySpec.class);
    } catch (IOException e) {
      spec = null;
    }
    // A case the spec types cannot hold as written (unknown field, wrong type) never reaches the
    // operator: the API server refuses it, as the test above shows.
    Assumptions.assumeTrue(
        spec != null && CrdSchema.YAML.valueToTree(spec).equals(CrdSchemaTest::sameValue, c.spec()),
        "not representable in the spec types");
    List<String> problems = PolicyValidator.validate(spec);
    if (c.valid()) {
      assertThat(problems).isEmpty();
    } else {
      assertThat(problems).singleElement().asString().startsWith("spec." + c.field() + ": ");
    }
  }
}
