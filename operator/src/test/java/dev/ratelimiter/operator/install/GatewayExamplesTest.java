package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.schema.CrdValidator;
import dev.ratelimiter.operator.spec.Names;
import dev.ratelimiter.operator.spec.PolicyValidator;
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

/**
 * The gateway recipes in deploy/examples/gateways/: their RateLimitPolicies are checked like every
 * example policy; the gateways' own objects (Ingress annotations, Traefik Middleware, Envoy Gateway
 * SecurityPolicy, Contour ExtensionService, plain Envoy configuration) must parse and point at the
 * policy's Service, on the port and path the agents serve.
 */
@DisplayName("The gateway recipes in deploy/examples/gateways/")
class GatewayExamplesTest {

  static final Path DIR = Install.EXAMPLES.resolve("gateways");
  static CrdValidator crd;

  @BeforeAll
  static void loadCrd() {
    crd = new CrdValidator(Install.CRD);
  }

  /** The Kubernetes recipes (nginx-auth-request.conf is nginx's; NginxAuthRequestTest runs it). */
  static Stream<String> files() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(".yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  static List<JsonNode> docs(String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var docs =
        ExamplesTest.YAML.readerFor(JsonNode.class).readValues(DIR.resolve(file).toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = (JsonNode) docs.next();
        if (doc != null && !doc.isNull()) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  static JsonNode kind(String file, String kind) throws IOException {
    return docs(file).stream()
        .filter(d -> kind.equals(d.path("kind").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in " + file));
  }

  static RateLimitPolicy policy(String file) throws IOException {
    return Install.SERIALIZATION.unmarshal(
        kind(file, "RateLimitPolicy").toString(), RateLimitPolicy.class);
  }

  /**
   * {@code http://<policy>.<namespace>.svc.cluster.local/check}: the Service's port is 80 in these
   * recipes.
   */
  static String checkUrl(RateLimitPolicy p) {
    assertThat(p.getSpec().effectiveAgent().effectiveService().effectivePort()).isEqualTo(80);
    return "http://"
        + p.getMetadata().getName()
        + "."
        + p.getMetadata().getNamespace()
        + ".svc.cluster.local/check";
  }

  @Test
  @DisplayName(
      "are ingress-nginx, Traefik, Envoy Gateway, and Envoy's rate limit service (Contour, plain Envoy)")
  void theRecipes() throws IOException {
    assertThat(files().toList())
        .containsExactly(
            "envoy-gateway.yaml",
            "envoy-rate-limit-service.yaml",
            "envoy-static.yaml",
            "ingress-nginx.yaml",
            "traefik.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  @DisplayName(
      "parse as YAML; each Kubernetes recipe has one valid policy that trusts the gateway's addresses")
  void policiesValid(String file) throws IOException {
    List<JsonNode> docs = docs(file);
    assertThat(docs).isNotEmpty();
    if (file.equals("envoy-static.yaml")) {
      return; // Envoy's own configuration, not Kubernetes objects
    }
    List<JsonNode> policies =
        docs.stream().filter(d -> "RateLimitPolicy".equals(d.path("kind").asText())).toList();
    assertThat(policies).hasSize(1);
    assertThat(crd.errors(policies.get(0).toString())).isEmpty();
    assertThat(ExamplesTest.lostFields(policies.get(0))).isEmpty();
    RateLimitPolicy p = policy(file);
    assertThat(PolicyValidator.validate(p)).isEmpty();
    assertThat(p.getSpec().getClientKey().getTrustedProxies())
        .as("the gateway's addresses")
        .isNotEmpty();
    assertThat(docs)
        .allSatisfy(
            d -> assertThat(d.path("metadata").path("namespace").asText()).isEqualTo("shop"));
  }

  @Test
  @DisplayName(
      "ingress-nginx: auth-url is the policy's /check; a refusal comes back as 403 and leaves as 429 with Retry-After")
  void ingressNginx() throws IOException {
    JsonNode annotations =
        kind("ingress-nginx.yaml", "Ingress").path("metadata").path("annotations");
    assertThat(annotations.path("nginx.ingress.kubernetes.io/auth-url").asText())
        .isEqualTo(checkUrl(policy("ingress-nginx.yaml")));
    assertThat(annotations.path("nginx.ingress.kubernetes.io/auth-snippet").asText())
        .contains("proxy_set_header X-RateLimit-Deny-Status 403;");
    assertThat(annotations.path("nginx.ingress.kubernetes.io/configuration-snippet").asText())
        .contains(
            "auth_request_set $retry_after $upstream_http_retry_after;",
            "error_page 403 = @ratelimited;");
    assertThat(annotations.path("nginx.ingress.kubernetes.io/server-snippet").asText())
        .contains(
            "location @ratelimited", "add_header Retry-After $retry_after always;", "return 429");
  }

  @Test
  @DisplayName(
      "Traefik: the ForwardAuth Middleware calls the policy's /check, after one that removes a client's X-Original-* route headers, and the Ingress uses both in that order")
  void traefik() throws IOException {
    List<JsonNode> middlewares =
        docs("traefik.yaml").stream()
            .filter(d -> "Middleware".equals(d.path("kind").asText()))
            .toList();
    JsonNode strip =
        middlewares.stream().filter(m -> m.path("spec").has("headers")).findFirst().orElseThrow();
    JsonNode auth =
        middlewares.stream()
            .filter(m -> m.path("spec").has("forwardAuth"))
            .findFirst()
            .orElseThrow();
    assertThat(auth.path("spec").path("forwardAuth").path("address").asText())
        .isEqualTo(checkUrl(policy("traefik.yaml")));
    JsonNode removed = strip.path("spec").path("headers").path("customRequestHeaders");
    for (String header : List.of("X-Original-URI", "X-Original-URL", "X-Original-Method")) {
      assertThat(removed.path(header).isTextual() && removed.path(header).asText().isEmpty())
          .as(header + " removed")
          .isTrue();
    }
    assertThat(
            kind("traefik.yaml", "Ingress")
                .path("metadata")
                .path("annotations")
                .path("traefik.ingress.kubernetes.io/router.middlewares")
                .asText())
        .isEqualTo(reference(strip) + "," + reference(auth));
  }

  private static String reference(JsonNode middleware) {
    return middleware.path("metadata").path("namespace").asText()
        + "-"
        + middleware.path("metadata").path("name").asText()
        + "@kubernetescrd";
  }

  @Test
  @DisplayName(
      "Envoy Gateway: the SecurityPolicy's HTTP ext auth calls the policy's Service on its http port with path /check, for the HTTPRoute")
  void envoyGateway() throws IOException {
    RateLimitPolicy p = policy("envoy-gateway.yaml");
    JsonNode extAuth = kind("envoy-gateway.yaml", "SecurityPolicy").path("spec").path("extAuth");
    JsonNode ref = extAuth.path("http").path("backendRefs").get(0);
    assertThat(ref.path("name").asText()).isEqualTo(p.getMetadata().getName());
    assertThat(ref.path("port").asInt())
        .isEqualTo(p.getSpec().effectiveAgent().effectiveService().effectivePort());
    assertThat(extAuth.path("http").path("path").asText()).isEqualTo("/check");
    assertThat(extAuth.path("headersToExtAuth").toString()).contains("x-forwarded-for");
    assertThat(
            kind("envoy-gateway.yaml", "SecurityPolicy")
                .path("spec")
                .path("targetRefs")
                .get(0)
                .path("name")
                .asText())
        .isEqualTo(kind("envoy-gateway.yaml", "HTTPRoute").path("metadata").path("name").asText());
  }

  @Test
  @DisplayName(
      "Envoy's rate limit service: Contour's ExtensionService and plain Envoy's cluster reach port grpc (8081) over h2c, domain <namespace>/<name>")
  void envoyRateLimitService() throws IOException {
    RateLimitPolicy p = policy("envoy-rate-limit-service.yaml");
    JsonNode extension = kind("envoy-rate-limit-service.yaml", "ExtensionService").path("spec");
    assertThat(extension.path("protocol").asText()).isEqualTo("h2c");
    assertThat(extension.path("services").get(0).path("name").asText())
        .isEqualTo(p.getMetadata().getName());
    assertThat(extension.path("services").get(0).path("port").asInt())
        .isEqualTo(Names.AGENT_GRPC_PORT);
    assertThat(
            kind("envoy-rate-limit-service.yaml", "HTTPProxy")
                .path("spec")
                .path("virtualhost")
                .path("rateLimitPolicy")
                .toString())
        .contains("remoteAddress");

    JsonNode envoy = docs("envoy-static.yaml").get(0);
    JsonNode address =
        envoy
            .path("static_resources")
            .path("clusters")
            .get(0)
            .path("load_assignment")
            .path("endpoints")
            .get(0)
            .path("lb_endpoints")
            .get(0)
            .path("endpoint")
            .path("address")
            .path("socket_address");
    assertThat(address.path("address").asText())
        .isEqualTo(
            p.getMetadata().getName()
                + "."
                + p.getMetadata().getNamespace()
                + ".svc.cluster.local");
    assertThat(address.path("port_value").asInt()).isEqualTo(Names.AGENT_GRPC_PORT);
    JsonNode filter = envoy.path("http_filters").get(0).path("typed_config");
    assertThat(filter.path("domain").asText()).isEqualTo(Names.policyId(p));
    assertThat(
            filter
                .path("rate_limit_service")
                .path("grpc_service")
                .path("envoy_grpc")
                .path("cluster_name")
                .asText())
        .isEqualTo(envoy.path("static_resources").path("clusters").get(0).path("name").asText());
    assertThat(envoy.path("route_rate_limits").get(0).path("actions").toString())
        .contains("remote_address", "\"descriptor_key\":\"method\"", "\"descriptor_key\":\"path\"");
  }
}
