package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ratelimiter.operator.PolicyValidator;
import dev.ratelimiter.operator.customresource.Limit;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.schema.CrdValidator;
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
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml")).sorted().toList().stream();
    }
  }

  static List<HasMetadata> objects(String file) {
    return Install.parse(Install.read(Install.EXAMPLES.resolve(file)));
  }

  static RateLimitPolicy policy(String file) {
    List<RateLimitPolicy> policies = objects(file).stream().filter(RateLimitPolicy.class::isInstance).map(RateLimitPolicy.class::cast).toList();
    assertThat(policies).as(file).hasSize(1);
    return policies.get(0);
  }

  /** The raw YAML documents of a file that are RateLimitPolicies, as the API server would get them. */
  static List<JsonNode> rawPolicies(String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).readValues(Install.EXAMPLES.resolve(file).toFile())) {
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
  @DisplayName("are the seed's policy, a multi-limit policy, an external-Redis policy, a policy in front of a backend, a sliding window and a token bucket")
  void theSixExamples() throws IOException {
    assertThat(examples().toList()).containsExactlyInAnyOrder("public-api.yaml", "multi-limit.yaml", "external-redis.yaml", "backend.yaml",
        "sliding-window.yaml", "token-bucket.yaml");
  }

  @Test
  @DisplayName("sliding-window.yaml and token-bucket.yaml use their algorithms, and the bucket's burst reaches the agents' document")
  void algorithms() throws Exception {
    assertThat(policy("sliding-window.yaml").getSpec().getLimits()).extracting(Limit::getAlgorithm).contains("SlidingWindow");
    RateLimitPolicy bucket = policy("token-bucket.yaml");
    assertThat(bucket.getSpec().getLimits()).singleElement().satisfies(l -> {
      assertThat(l.getAlgorithm()).isEqualTo("TokenBucket");
      assertThat(l.getBurst()).isEqualTo(50L);
    });
    assertThat(dev.ratelimiter.operator.SpecDocument.yaml(bucket)).contains("algorithm: TokenBucket\n  burst: 50\n");
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
    assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).as(o.getKind()).isNotBlank());
    // the policy types keep no unknown fields: compare what was written with what was read
    for (JsonNode raw : rawPolicies(file)) {
      assertThat(lostFields(raw)).isEmpty();
    }
  }

  /**
   * Fields of a raw RateLimitPolicy that its Java type does not keep (a typo such as
   * {@code limit:} for {@code limits:}); the API server would reject or prune them.
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
    lost(raw.path("spec"), Install.SERIALIZATION.convertValue(typed.getSpec(), JsonNode.class), ".spec", out);
    return out;
  }

  private static void lost(JsonNode raw, JsonNode typed, String path, List<String> out) {
    if (raw.isObject()) {
      raw.fields().forEachRemaining(e -> {
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
  @DisplayName("would be caught if broken: a limit of 0 requests by the schema, a misspelt field by the typed parse")
  void theSchemaCheckCanFail() throws IOException {
    ObjectNode broken = (ObjectNode) rawPolicies("public-api.yaml").get(0).deepCopy();
    ((ObjectNode) broken.path("spec").path("limits").get(0)).put("requests", 0);
    assertThat(crd.errors(broken.toString())).anySatisfy(e -> assertThat(e).contains("requests"));
    ObjectNode typo = (ObjectNode) rawPolicies("public-api.yaml").get(0).deepCopy();
    ((ObjectNode) typo.path("spec")).set("limit", typo.path("spec").path("limits"));
    ((ObjectNode) typo.path("spec")).remove("limits");
    assertThat(lostFields(typo)).singleElement().asString().contains("Unrecognized field \"limit\"");
  }

  @Test
  @DisplayName("public-api.yaml is the seed: 10 per minute per client IP, a LoadBalancer, autoscaling from 2 to 10")
  void seedPolicy() {
    RateLimitPolicySpec spec = policy("public-api.yaml").getSpec();
    assertThat(spec.getLimits()).hasSize(1);
    Limit l = spec.getLimits().get(0);
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
    List<Limit> limits = policy("multi-limit.yaml").getSpec().getLimits();
    assertThat(limits.size()).isGreaterThanOrEqualTo(2);
    assertThat(limits.stream().map(Limit::getName).distinct().count()).isEqualTo(limits.size());
    assertThat(limits.stream().map(Limit::getWindow).distinct().count()).isEqualTo(limits.size());
  }

  @Test
  @DisplayName("backend.yaml proxies to Service shop-api on 8080 in namespace shop, with a per-minute limit")
  void backend() {
    RateLimitPolicy p = policy("backend.yaml");
    assertThat(p.getMetadata().getNamespace()).isEqualTo("shop");
    var backend = p.getSpec().getBackend();
    assertThat(backend.getService()).isEqualTo("shop-api").isNotEqualTo(p.getMetadata().getName());
    assertThat(backend.getPort()).isEqualTo(8080);
    assertThat(backend.getTimeoutSeconds()).isEqualTo(30);
    assertThat(p.getSpec().getLimits()).singleElement().satisfies(l -> {
      assertThat(l.getName()).isEqualTo("per-minute");
      assertThat(l.getWindow()).isEqualTo("1m");
    });
  }

  @Test
  @DisplayName("external-redis.yaml uses an external Redis whose password Secret it ships, with that key, in the policy's namespace, labelled for that use")
  void externalRedis() {
    RateLimitPolicy p = policy("external-redis.yaml");
    var external = p.getSpec().getRedis().getExternal();
    assertThat(external.getUrl()).startsWith("redis://");
    var ref = external.getPasswordSecretRef();
    Secret secret =
        objects("external-redis.yaml").stream()
            .filter(Secret.class::isInstance)
            .map(Secret.class::cast)
            .filter(s -> s.getMetadata().getName().equals(ref.getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no Secret " + ref.getName() + " in external-redis.yaml"));
    assertThat(secret.getMetadata().getNamespace()).isEqualTo(p.getMetadata().getNamespace());
    var keys = new ArrayList<String>();
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    assertThat(keys).contains(ref.getKey());
    assertThat(secret.getMetadata().getLabels()).containsEntry(dev.ratelimiter.operator.RedisAccess.ALLOW_LABEL, "true");
  }
}
