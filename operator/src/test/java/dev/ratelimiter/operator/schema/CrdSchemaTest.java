package dev.ratelimiter.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.PolicyValidator;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
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
    return "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\nmetadata: {name: x}\nspec:\n" + specYaml.stripIndent().indent(2);
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
    assertThat(crd.rules()).extracting(CrdSchema.Rule::path).containsExactlyInAnyOrder(
        "", ".spec.agent.autoscaling", ".spec.limits", ".spec.limits[*]", ".spec.redis.external.url", ".spec.clientKey.trustedProxies");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("requests of 0", "limits: [{name: a, requests: 0, window: 1m}]", "/spec/limits/0/requests"),
        Arguments.of("more than a billion requests", "limits: [{name: a, requests: 1000000001, window: 1m}]", "/spec/limits/0/requests"),
        Arguments.of("a window of 0s", "limits: [{name: a, requests: 1, window: 0s}]", "window must be between 1s and 24h"),
        Arguments.of("a window over 24h", "limits: [{name: a, requests: 1, window: 24h1s}]", "window must be between 1s and 24h"),
        Arguments.of("a fractional window", "limits: [{name: a, requests: 1, window: 1.5h}]", "/spec/limits/0/window"),
        Arguments.of("a window without unit", "limits: [{name: a, requests: 1, window: '60'}]", "/spec/limits/0/window"),
        Arguments.of("a window in milliseconds", "limits: [{name: a, requests: 1, window: 500ms}]", "/spec/limits/0/window"),
        Arguments.of("duplicate limit names", "limits: [{name: a, requests: 1, window: 1s}, {name: a, requests: 2, window: 1m}]", "limit names must be unique"),
        Arguments.of("an upper-case limit name", "limits: [{name: PerMinute, requests: 1, window: 1m}]", "/spec/limits/0/name"),
        Arguments.of("a limit without window", "limits: [{name: a, requests: 1}]", "window"),
        Arguments.of("an empty limits list", "limits: []", "/spec/limits"),
        Arguments.of("an unknown algorithm", "limits: [{name: a, requests: 1, window: 1m, algorithm: LeakyBucket}]", "/spec/limits/0/algorithm"),
        Arguments.of("an unknown client key source", "clientKey: {source: Header}", "/spec/clientKey/source"),
        Arguments.of("an IPv6 prefix of 129", "clientKey: {ipv6PrefixLength: 129}", "/spec/clientKey/ipv6PrefixLength"),
        Arguments.of("an IPv6 prefix of 0", "clientKey: {ipv6PrefixLength: 0}", "/spec/clientKey/ipv6PrefixLength"),
        Arguments.of("an IPv6 prefix of 31", "clientKey: {ipv6PrefixLength: 31}", "/spec/clientKey/ipv6PrefixLength"),
        Arguments.of("an unknown forwarded header", "clientKey: {forwardedHeader: X-Real-IP}", "/spec/clientKey/forwardedHeader"),
        Arguments.of("an IPv4 trusted proxy /0", "clientKey: {trustedProxies: [10.0.0.0/8, 0.0.0.0/0]}", "would trust every address"),
        Arguments.of("an IPv6 trusted proxy /0", "clientKey: {trustedProxies: ['::/0']}", "would trust every address"),
        Arguments.of("a trusted proxy /00", "clientKey: {trustedProxies: [1.2.3.4/00]}", "would trust every address"),
        Arguments.of("a trusted proxy that is no CIDR", "clientKey: {trustedProxies: [proxy.example.com]}", "/spec/clientKey/trustedProxies/0"),
        Arguments.of("an unknown failure policy", "failurePolicy: Local", "/spec/failurePolicy"),
        Arguments.of("zero replicas", "agent: {replicas: 0}", "/spec/agent/replicas"),
        Arguments.of("autoscaling without maxReplicas", "agent: {autoscaling: {minReplicas: 2}}", "maxReplicas"),
        Arguments.of("autoscaling with min above max", "agent: {autoscaling: {minReplicas: 5, maxReplicas: 3}}", "minReplicas must not exceed maxReplicas"),
        Arguments.of("a CPU target over 100%", "agent: {autoscaling: {maxReplicas: 3, targetCPUUtilizationPercentage: 150}}", "/spec/agent/autoscaling/targetCPUUtilizationPercentage"),
        Arguments.of("an unknown service type", "agent: {service: {type: ExternalName}}", "/spec/agent/service/type"),
        Arguments.of("port 70000", "agent: {service: {port: 70000}}", "/spec/agent/service/port"),
        Arguments.of("an http:// Redis URL", "redis: {external: {url: 'http://redis:6379'}}", "/spec/redis/external/url"),
        Arguments.of("a Redis URL with a password", "redis: {external: {url: 'redis://:pw@r:6379'}}", "url must not carry credentials"),
        Arguments.of("an external Redis without URL", "redis: {external: {passwordSecretRef: {name: s, key: k}}}", "url"),
        Arguments.of("a password ref without key", "redis: {external: {url: 'redis://r:6379', passwordSecretRef: {name: s}}}", "key"));
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
        Arguments.of("port 0", "backend: {service: shop-api, port: 0}", "/spec/backend/port", "spec.backend.port"),
        Arguments.of("port 65536", "backend: {service: shop-api, port: 65536}", "/spec/backend/port", "spec.backend.port"),
        Arguments.of("no port", "backend: {service: shop-api}", "port", "spec.backend.port"),
        Arguments.of("no service", "backend: {port: 8080}", "service", "spec.backend.service"),
        Arguments.of("an upper-case service", "backend: {service: Shop-Api, port: 8080}", "/spec/backend/service", "spec.backend.service"),
        Arguments.of("a service starting with a digit", "backend: {service: 1shop, port: 8080}", "/spec/backend/service", "spec.backend.service"),
        Arguments.of("a service ending with '-'", "backend: {service: shop-, port: 8080}", "/spec/backend/service", "spec.backend.service"),
        Arguments.of("a service with a dot", "backend: {service: shop.api, port: 8080}", "/spec/backend/service", "spec.backend.service"),
        Arguments.of("a service of 64 characters", "backend: {service: " + "s".repeat(64) + ", port: 8080}", "/spec/backend/service", "spec.backend.service"),
        Arguments.of("a timeout of 0s", "backend: {service: shop-api, port: 8080, timeoutSeconds: 0}", "/spec/backend/timeoutSeconds", "spec.backend.timeoutSeconds"),
        Arguments.of("a timeout of 301s", "backend: {service: shop-api, port: 8080, timeoutSeconds: 301}", "/spec/backend/timeoutSeconds", "spec.backend.timeoutSeconds"),
        Arguments.of("the policy's own Service", "backend: {service: x, port: 8080}", "must not be a Service the operator creates", "spec.backend.service"),
        Arguments.of("the policy's Redis Service", "backend: {service: x-redis, port: 6379}", "must not be a Service the operator creates", "spec.backend.service"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidBackends")
  @DisplayName("reject each invalid backend, and so does the operator's validator, naming the field")
  void rejectsInvalidBackends(String what, String spec, String schemaError, String field) throws IOException {
    List<String> errors = crd.allErrors(policy(spec));
    assertThat(errors).as(what).isNotEmpty();
    assertThat(String.join("\n", errors)).as(what).contains(schemaError);
    RateLimitPolicy p = CrdSchema.YAML.readValue(policy(spec), RateLimitPolicy.class);
    assertThat(PolicyValidator.validate(p)).as(what).singleElement().asString().startsWith(field + ": ");
  }

  static Stream<Arguments> validBackends() {
    return Stream.of(
        Arguments.of("backend: {service: shop-api, port: 8080}"),
        Arguments.of("backend: {service: s, port: 1, timeoutSeconds: 1}"),
        Arguments.of("backend: {service: " + "s".repeat(63) + ", port: 65535, timeoutSeconds: 300}"),
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
  @DisplayName("default an empty spec the way the operator does: one limit of 10 per minute, 2 agents behind port 80")
  void schemaDefaultsMatchOperatorDefaults() {
    var spec = crd.openApiSchema.path("properties").path("spec").path("properties");
    var limit = dev.ratelimiter.operator.customresource.Limit.defaultLimit();
    assertThat(spec.path("limits").path("default")).singleElement().satisfies(l -> {
      assertThat(l.path("name").asText()).isEqualTo(limit.getName());
      assertThat(l.path("requests").asLong()).isEqualTo(limit.getRequests());
      assertThat(l.path("window").asText()).isEqualTo(limit.getWindow());
      assertThat(l.path("algorithm").asText()).isEqualTo(limit.getAlgorithm().name());
    });
    var empty = new dev.ratelimiter.operator.customresource.RateLimitPolicySpec();
    assertThat(spec.path("failurePolicy").path("default").asText()).isEqualTo(empty.effectiveFailurePolicy().name());
    assertThat(spec.path("clientKey").path("default").isObject()).isTrue();
    assertThat(spec.path("clientKey").path("properties").path("ipv6PrefixLength").path("default").asInt())
        .isEqualTo(empty.effectiveClientKey().effectiveIpv6PrefixLength());
    assertThat(spec.path("agent").path("default").isObject()).isTrue();
    var agent = spec.path("agent").path("properties");
    assertThat(agent.path("replicas").path("default").asInt()).isEqualTo(empty.effectiveAgent().effectiveReplicas());
    assertThat(agent.path("service").path("default").isObject()).isTrue();
    assertThat(agent.path("service").path("properties").path("port").path("default").asInt())
        .isEqualTo(empty.effectiveAgent().effectiveService().effectivePort());
    assertThat(agent.path("service").path("properties").path("type").path("default").asText())
        .isEqualTo(empty.effectiveAgent().effectiveService().effectiveType().name());
    assertThat(spec.has("redis") && spec.path("redis").has("default")).as("no default: absent means the operator runs Redis").isFalse();
    assertThat(spec.path("backend").has("default")).as("no default: absent means the agents answer /api themselves").isFalse();
    assertThat(spec.path("backend").path("properties").path("timeoutSeconds").path("default").asInt())
        .isEqualTo(new dev.ratelimiter.operator.customresource.Backend("b", 80, null).effectiveTimeoutSeconds());
  }

  @Test
  @DisplayName("accept IPv6 prefixes 32 and 128, both forwarded headers, and trusted proxies with a prefix ending in 0 that is not /0")
  void clientKeyEdges() {
    for (String ck : List.of("{ipv6PrefixLength: 32}", "{ipv6PrefixLength: 128}", "{forwardedHeader: Forwarded}", "{forwardedHeader: XForwardedFor}",
        "{trustedProxies: [10.0.0.0/10, '2001:db8::/120', 192.168.0.0/30]}")) {
      assertThat(crd.allErrors(policy("clientKey: " + ck))).as(ck).isEmpty();
    }
    var clientKey = crd.openApiSchema.path("properties").path("spec").path("properties").path("clientKey").path("properties");
    assertThat(clientKey.path("forwardedHeader").path("default").asText())
        .isEqualTo(new dev.ratelimiter.operator.customresource.ClientKey().effectiveForwardedHeader().name()).isEqualTo("XForwardedFor");
    assertThat(clientKey.path("forwardedHeader").path("enum")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
        .containsExactlyInAnyOrder("XForwardedFor", "Forwarded");
  }

  @Test
  @DisplayName("evaluate the window rule on the edges 1s and 24h, and on mixed units")
  void windowEdges() {
    for (String w : List.of("1s", "24h", "1h30m", "90s", "23h59m59s", "1440m")) {
      assertThat(crd.allErrors(policy("limits: [{name: a, requests: 1, window: " + w + "}]"))).as(w).isEmpty();
    }
  }
}
