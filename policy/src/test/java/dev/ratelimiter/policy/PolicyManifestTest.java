package dev.ratelimiter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A whole RateLimitPolicy manifest as a policy document")
class PolicyManifestTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path EXAMPLES = Path.of("..", "deploy", "examples");

  @Test
  @DisplayName("Every RateLimitPolicy in deploy/examples/ reads as the policy its spec describes")
  void everyExampleReads() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(EXAMPLES)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    int policies = 0;
    for (Path file : files) {
      for (JsonNode object : documents(file)) {
        if (!"RateLimitPolicy".equals(object.path("kind").asText())) {
          continue;
        }
        policies++;
        if (object.path("spec").path("clientKey").path("jwt").has("jwksConfigMapRef")) {
          // the JWKS is in a ConfigMap only the operator reads: an agent run by hand says so
          assertThatThrownBy(() -> PolicyParser.read(YAML.writeValueAsString(object)))
              .as(file.toString())
              .hasMessageStartingWith(
                  "spec.clientKey.jwt.jwksConfigMapRef: is read by the operator, which puts the JWKS itself");
          continue;
        }
        PolicyManifest.Read read = PolicyParser.read(YAML.writeValueAsString(object));
        JsonNode metadata = object.get("metadata");
        assertThat(read.policy().id())
            .as(file.toString())
            .isEqualTo(
                metadata.path("namespace").asText("default") + "/" + metadata.get("name").asText());
        JsonNode spec = object.path("spec");
        assertThat(read.policy().limits().size())
            .as(file + ": limits")
            .isEqualTo(spec.has("limits") ? spec.get("limits").size() : 1);
        for (String operatorOnly : List.of("agent", "backend", "redis")) {
          assertThat(read.leftAside().stream().anyMatch(s -> s.startsWith("spec." + operatorOnly)))
              .as(file + ": spec." + operatorOnly + " reported as left aside")
              .isEqualTo(spec.has(operatorOnly));
        }
      }
    }
    assertThat(policies).as("RateLimitPolicy objects under deploy/examples").isGreaterThan(10);
  }

  @Test
  @DisplayName(
      "Its id, generation and limits come from metadata and spec; operator fields are named")
  void fieldsComeFromTheManifest() throws Exception {
    PolicyManifest.Read read =
        PolicyParser.read(
            """
            apiVersion: ratelimiter.dev/v1alpha1
            kind: RateLimitPolicy
            metadata: {name: partner-api, namespace: partners, generation: 4}
            spec:
              limits: [{name: per-key, requests: 600, window: 1m}]
              mode: Shadow
              backend: {service: partner-backend}
            """);
    assertThat(read.policy().id()).isEqualTo("partners/partner-api");
    assertThat(read.policy().generation()).isEqualTo(4);
    assertThat(read.policy().limits().get(0).requests()).isEqualTo(600);
    assertThat(read.policy().mode()).isEqualTo(Mode.Shadow);
    assertThat(read.leftAside()).containsExactly("spec.backend (BACKEND_URL)");

    Policy bare =
        PolicyParser.read(
                "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\nmetadata: {name: api}\n")
            .policy();
    assertThat(bare.id()).isEqualTo("default/api");
    assertThat(bare.limits()).isEqualTo(Policy.defaultPolicy().limits());
  }

  @Test
  @DisplayName(
      "A manifest that is not a RateLimitPolicy, or whose spec is wrong, is refused by field")
  void refusals() {
    String head =
        "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\nmetadata: {name: api}\n";
    assertThatThrownBy(
            () -> PolicyParser.read("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"))
        .hasMessageContaining("apiVersion: 'v1' is not ratelimiter.dev/v1alpha1");
    assertThatThrownBy(
            () ->
                PolicyParser.read(
                    "apiVersion: ratelimiter.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\n"))
        .hasMessageContaining("kind: 'Policy' is not RateLimitPolicy");
    assertThatThrownBy(
            () ->
                PolicyParser.read("apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\n"))
        .hasMessageContaining("metadata: must be a mapping");
    assertThatThrownBy(
            () ->
                PolicyParser.read(head + "spec: {limits: [{name: a, requests: 0, window: 1m}]}\n"))
        .hasMessageContaining("spec.limits[0].requests: 0 is outside");
    assertThatThrownBy(() -> PolicyParser.read(head + "spec: {limit: []}\n"))
        .hasMessageContaining("spec.limit: unknown field; did you mean 'limits'?");
    assertThatThrownBy(() -> PolicyParser.read(head + "spec: {agents: 3}\n"))
        .hasMessageContaining("spec.agents: unknown field of a RateLimitPolicy spec");
    assertThatThrownBy(() -> PolicyParser.read(head + "spek: {}\n"))
        .hasMessageContaining("spek: unknown field; did you mean 'spec'?");
    assertThatThrownBy(
            () ->
                PolicyParser.read(
                    "apiVersion: ratelimiter.dev/v1alpha1\nkind: RateLimitPolicy\nmetadata: {name: Shop}\n"))
        .hasMessageContaining("metadata: 'default/Shop' is not <namespace>/<name>");
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
      while (values.hasNext()) {
        JsonNode node = values.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          out.add(node);
        }
      }
    }
    return out;
  }
}
