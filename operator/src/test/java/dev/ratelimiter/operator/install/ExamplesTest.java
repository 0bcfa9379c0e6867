package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.schema.CrdValidator;
import dev.ratelimiter.operator.spec.PolicyValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The example policies in deploy/examples/")
class ExamplesTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static CrdValidator crd;

  @BeforeAll
  static void loadCrd() {
    // the CRD that `kubectl apply -k deploy/` installs
    crd = new CrdValidator(Install.CRD);
  }

  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(Install.EXAMPLES)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  static List<HasMetadata> objects(String file) {
    return Install.parse(Install.read(Install.EXAMPLES.resolve(file)));
  }

  static RateLimitPolicy policy(String file) {
    List<RateLimitPolicy> policies =
        objects(file).stream()
            .filter(RateLimitPolicy.class::isInstance)
            .map(RateLimitPolicy.class::cast)
            .toList();
    assertThat(policies).as(file).hasSize(1);
    return policies.get(0);
  }

  /**
   * The raw YAML documents of a file that are RateLimitPolicies, as the API server would get them.
   */
  static List<JsonNode> rawPolicies(String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var docs =
        YAML.readerFor(JsonNode.class).readValues(Install.EXAMPLES.resolve(file).toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = (JsonNode) docs.next();
        if (doc != null && "RateLimitPolicy".equals(doc.path("kind").asText())) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  @Test
  @DisplayName(
      "are the seed's policy, a multi-limit policy, two external-Redis policies (one server, Sentinel), a policy in front of a backend,"
          + " one keyed by API key, a sliding window, a token bucket and an API product with plans")
  void theExamples() throws IOException {
    assertThat(examples().toList())
        .containsExactlyInAnyOrder(
            "public-api.yaml",
            "multi-limit.yaml",
            "external-redis.yaml",
            "external-redis-sentinel.yaml",
            "backend.yaml",
            "api-keys.yaml",
            "sliding-window.yaml",
            "token-bucket.yaml",
            "plans.yaml");
  }

  @Test
  @DisplayName(
      "plans.yaml counts per verified sub, plans from a claim, a partner exempt, a header-matched limit; its labelled ConfigMap holds a public JWKS the operator accepts")
  void plans() throws Exception {
    RateLimitPolicy p = policy("plans.yaml");
    var spec = p.getSpec();
    assertThat(spec.getClientKey().getSource()).isEqualTo("Jwt");
    assertThat(spec.getPlan().getFrom().getClaim()).isEqualTo("plan");
    assertThat(spec.getExemptPlans()).containsExactly("partner");
    io.fabric8.kubernetes.api.model.ConfigMap jwks =
        objects("plans.yaml").stream()
            .filter(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance)
            .map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(jwks.getMetadata().getName())
        .isEqualTo(spec.getClientKey().getJwt().getJwksConfigMapRef().getName());
    assertThat(jwks.getMetadata().getLabels())
        .containsEntry(dev.ratelimiter.operator.spec.JwksAccess.LABEL, "true");
    String canonical =
        dev.ratelimiter.policy.Jwks.canonical(
            jwks.getData().get(spec.getClientKey().getJwt().getJwksConfigMapRef().getKey()),
            "jwks");
    var policy =
        dev.ratelimiter.policy.PolicyParser.parse(
            dev.ratelimiter.operator.spec.SpecDocument.yaml(p, 2, canonical));
    assertThat(policy.plan().planOf("pro")).isEqualTo("pro");
    assertThat(policy.plan().planOf("gold"))
        .as("a plan the policy does not name")
        .isEqualTo("free");
    assertThat(policy.exemptsPlan("partner")).isTrue();
  }

  @Test
  @DisplayName(
      "sliding-window.yaml and token-bucket.yaml use their algorithms, and the bucket's burst reaches the agents' document")
  void algorithms() throws Exception {
    assertThat(policy("sliding-window.yaml").getSpec().getLimits())
        .extracting(LimitSpec::getAlgorithm)
        .contains("SlidingWindow");
    RateLimitPolicy bucket = policy("token-bucket.yaml");
    assertThat(bucket.getSpec().getLimits())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getAlgorithm()).isEqualTo("TokenBucket");
              assertThat(l.getBurst()).isEqualTo(50L);
            });
    assertThat(dev.ratelimiter.operator.spec.SpecDocument.yaml(bucket))
        .contains("algorithm: TokenBucket\n  burst: 50\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("parse into typed fabric8 objects with no unknown field, each with a namespace")
  void parseTyped(String file) throws IOException {
    List<HasMetadata> objects = objects(file);
    assertThat(objects).isNotEmpty();
    List<String> problems = new ArrayList<>();
    objects.forEach(o -> problems.addAll(Install.untyped(o)));
    assertThat(problems).isEmpty();
    assertThat(objects)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isNotBlank());
    // the policy types keep no unknown fields: compare what was written with what was read
    for (JsonNode raw : rawPolicies(file)) {
      assertThat(lostFields(raw)).isEmpty();
    }
  }

  /**
   * Fields of a raw RateLimitPolicy that its Java type does not keep (a typo such as {@code limit:}
   * for {@code limits:}); the API server would reject or prune them.
   */
  static List<String> lostFields(JsonNode raw) {
    RateLimitPolicy typed;
    try {
      typed = Install.SERIALIZATION.unmarshal(raw.toString(), RateLimitPolicy.class);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return List.of("unreadable as RateLimitPolicy: " + root.getMessage());
    }
    List<String> out = new ArrayList<>();
    lost(
        raw.path("spec"),
        Install.SERIALIZATION.convertValue(typed.getSpec(), JsonNode.class),
        ".spec",
        out);
    return out;
  }

  private static void lost(JsonNode raw, JsonNode typed, String path, List<String> out) {
    if (raw.isObject()) {
      raw.fields()
          .forEachRemaining(
              e -> {
                if (typed == null || !typed.has(e.getKey())) {
                  out.add(path + "." + e.getKey());
                } else {
                  lost(e.getValue(), typed.get(e.getKey()), path + "." + e.getKey(), out);
                }
              });
    } else if (raw.isArray()) {
      for (int i = 0; i < raw.size(); i++) {
        lost(raw.get(i), typed == null ? null : typed.get(i), path + "[" + i + "]", out);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("pass the CRD's openAPIV3Schema and CEL rules, and the operator's own validation")
  void validAgainstTheCrd(String file) throws IOException {
    List<JsonNode> raw = rawPolicies(file);
    assertThat(raw).hasSize(1);
    assertThat(crd.errors(raw.get(0).toString())).isEmpty();
    assertThat(PolicyValidator.validate(policy(file))).isEmpty();
  }

  @Test
  @DisplayName(
      "would be caught if broken: a limit of 0 requests by the schema, a misspelt field by the typed parse")
  void theSchemaCheckCanFail() throws IOException {
    ObjectNode broken = (ObjectNode) rawPolicies("public-api.yaml").get(0).deepCopy();
    ((ObjectNode) broken.path("spec").path("limits").get(0)).put("requests", 0);
    assertThat(crd.errors(broken.toString())).anySatisfy(e -> assertThat(e).contains("requests"));
    ObjectNode typo = (ObjectNode) rawPolicies("public-api.yaml").get(0).deepCopy();
    ((ObjectNode) typo.path("spec")).set("limit", typo.path("spec").path("limits"));
    ((ObjectNode) typo.path("spec")).remove("limits");
    assertThat(lostFields(typo))
        .singleElement()
        .asString()
        .contains("Unrecognized field \"limit\"");
  }

  @Test
  @DisplayName(
      "public-api.yaml is the seed: 10 per minute per client IP, a LoadBalancer, autoscaling from 2 to 10")
  void seedPolicy() {
    RateLimitPolicySpec spec = policy("public-api.yaml").getSpec();
    assertThat(spec.getLimits()).hasSize(1);
    LimitSpec l = spec.getLimits().get(0);
    assertThat(l.getRequests()).isEqualTo(10L);
    assertThat(l.getWindow()).isEqualTo("1m");
    assertThat(spec.getClientKey().getSource().toString()).isEqualTo("RemoteAddress");
    assertThat(spec.getAgent().getService().getType().toString()).isEqualTo("LoadBalancer");
    assertThat(spec.getAgent().getAutoscaling().getMinReplicas()).isEqualTo(2);
    assertThat(spec.getAgent().getAutoscaling().getMaxReplicas()).isEqualTo(10);
  }

  @Test
  @DisplayName("multi-limit.yaml has several limits with distinct names and windows")
  void multiLimit() {
    List<LimitSpec> limits = policy("multi-limit.yaml").getSpec().getLimits();
    assertThat(limits.size()).isGreaterThanOrEqualTo(2);
    assertThat(limits.stream().map(LimitSpec::getName).distinct().count()).isEqualTo(limits.size());
    assertThat(limits.stream().map(LimitSpec::getWindow).distinct().count())
        .isEqualTo(limits.size());
  }

  @Test
  @DisplayName(
      "backend.yaml proxies to Service shop-api on 8080 in namespace shop, with a per-minute limit")
  void backend() {
    RateLimitPolicy p = policy("backend.yaml");
    assertThat(p.getMetadata().getNamespace()).isEqualTo("shop");
    var backend = p.getSpec().getBackend();
    assertThat(backend.getService()).isEqualTo("shop-api").isNotEqualTo(p.getMetadata().getName());
    assertThat(backend.getPort()).isEqualTo(8080);
    assertThat(backend.getTimeoutSeconds()).isEqualTo(30);
    assertThat(p.getSpec().getLimits())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getName()).isEqualTo("per-minute");
              assertThat(l.getWindow()).isEqualTo("1m");
            });
  }

  @Test
  @DisplayName("external-redis-sentinel.yaml finds the master through three sentinels, by its name")
  void externalRedisSentinel() {
    var external = policy("external-redis-sentinel.yaml").getSpec().getRedis().getExternal();
    assertThat(external.getMode()).isEqualTo("Sentinel");
    assertThat(external.getMasterName()).isEqualTo("shop-limits");
    assertThat(dev.ratelimiter.operator.spec.RedisUrls.hosts(external.getUrl()))
        .hasSize(3)
        .allSatisfy(h -> assertThat(h).startsWith("sentinel-"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"external-redis.yaml", "external-redis-sentinel.yaml"})
  @DisplayName(
      "the external-Redis examples use a password Secret they ship, with that key, in the policy's namespace, labelled for that use")
  void externalRedis(String file) {
    RateLimitPolicy p = policy(file);
    var external = p.getSpec().getRedis().getExternal();
    assertThat(external.getUrl()).startsWith("redis://");
    var ref = external.getPasswordSecretRef();
    Secret secret =
        objects(file).stream()
            .filter(Secret.class::isInstance)
            .map(Secret.class::cast)
            .filter(s -> s.getMetadata().getName().equals(ref.getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Secret " + ref.getName() + " in " + file));
    assertThat(secret.getMetadata().getNamespace()).isEqualTo(p.getMetadata().getNamespace());
    var keys = new ArrayList<String>();
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    assertThat(keys).contains(ref.getKey());
    assertThat(secret.getMetadata().getLabels())
        .containsEntry(dev.ratelimiter.operator.spec.RedisAccess.ALLOW_LABEL, "true");
  }

  @Test
  @DisplayName(
      "api-keys.yaml counts per X-Api-Key (401 without), limits POST /api/login apart, exempts a network, runs in Shadow with failurePolicy Local")
  void apiKeys() throws Exception {
    RateLimitPolicy p = policy("api-keys.yaml");
    var spec = p.getSpec();
    assertThat(spec.getClientKey().getSource()).isEqualTo("Header");
    assertThat(spec.getClientKey().getHeader()).isEqualTo("X-Api-Key");
    assertThat(spec.getClientKey().getMissing()).isEqualTo("Reject");
    assertThat(spec.getLimits()).extracting(LimitSpec::getName).containsExactly("login", "per-key");
    assertThat(spec.getLimits().get(0).getMatch().getPathPrefixes()).containsExactly("/api/login");
    assertThat(spec.getLimits().get(0).getMatch().getMethods()).containsExactly("POST");
    assertThat(spec.getLimits().get(1).getMatch()).isNull();
    assertThat(spec.getExempt()).containsExactly("192.0.2.0/24");
    assertThat(spec.getMode()).isEqualTo("Shadow");
    assertThat(spec.getFailurePolicy()).isEqualTo("Local");
    var policy =
        dev.ratelimiter.policy.PolicyParser.parse(
            dev.ratelimiter.operator.spec.SpecDocument.yaml(p, 3));
    assertThat(policy.agents()).isEqualTo(3);
    assertThat(policy.limits().get(0).applies("POST", "/api/login")).isTrue();
    assertThat(policy.limits().get(0).applies("GET", "/api/login")).isFalse();
  }
}
