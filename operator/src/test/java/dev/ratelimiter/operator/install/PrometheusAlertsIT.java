package dev.ratelimiter.operator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import dev.ratelimiter.operator.FakeAgent;
import dev.ratelimiter.operator.HealthServer;
import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.Policies;
import dev.ratelimiter.operator.customresource.LimitSpec;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.metrics.OperatorMetrics;
import dev.ratelimiter.testsupport.net.Ports;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The alerts and the dashboard against a real Prometheus that scrapes two real agent.jar processes
 * (one policy; one agent's backend up, the other's down) on a real redis-server, and the real
 * operator's metrics: every dashboard query returns data, and every alert expression returns
 * nothing while things are well and the offending series once its situation is made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The alerts in deploy/monitoring/, in a real Prometheus")
class PrometheusAlertsIT {

  static final Path RULES = Monitoring.DIR.resolve("ratelimiter.rules.yml");
  static final Path RULE_TESTS = Monitoring.DIR.resolve("ratelimiter.rules.test.yml");
  static final Path PROMETHEUS_RULE = Monitoring.DIR.resolve("prometheus-rule.yaml");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Duration TIMEOUT = Duration.ofSeconds(45);
  static final String TOKEN = "prometheus-test-token";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  final List<Process> agents = new ArrayList<>();
  final List<int[]> ports = new ArrayList<>();
  RedisServerProcess redis;
  HttpServer backend;
  MockCluster cluster;
  FakeAgent fakeAgent;
  HealthServer operatorMetrics;
  PrometheusProcess prometheus;
  Path dir;
  String badNamespace;

  @BeforeAll
  void start() throws Exception {
    PrometheusProcess.requireInstalled();
    dir = Files.createTempDirectory("prometheus-alerts");
    redis = RedisServerProcess.start(null);
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", Ports.free()), 0);
    backend.createContext(
        "/",
        ex -> {
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    backend.start();
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(
        policy,
        "policy: shop/api\ngeneration: 1\nlimits: [{name: per-minute, requests: 5, window: 1m}]\n"
            + "clientKey: {trustedProxies: [127.0.0.1/32]}\n");
    startAgent(policy, "http://127.0.0.1:" + backend.getAddress().getPort());
    startAgent(policy, "http://127.0.0.1:" + Ports.free()); // nothing listens: 502s

    OperatorMetrics metrics = new OperatorMetrics();
    cluster = new MockCluster();
    fakeAgent = new FakeAgent();
    // a policy whose reconcile fails (the API server refuses its Deployment): the dashboard's
    // failed-reconciles panel has data
    String denied = cluster.newNamespace("denied");
    cluster.forbidCreate("/apis/apps/v1/namespaces/" + denied + "/deployments");
    cluster.startOperator(MockCluster.settings(), metrics, o -> {});
    cluster.create(Policies.policy(denied, "api", new RateLimitPolicySpec()));
    operatorMetrics = new HealthServer(Ports.free(), () -> true, () -> true, metrics::scrape);
    String ok = cluster.newNamespace("ok");
    cluster.readyPolicy(ok, "api", TIMEOUT);
    cluster.runPod(fakeAgent.pod(ok, "api", "api-agent-0", true));
    String bad = cluster.newNamespace("bad");
    badNamespace = bad;
    RateLimitPolicySpec invalid = new RateLimitPolicySpec();
    invalid.setLimits(List.of(new LimitSpec("a", 1, "1d", null)));
    cluster.create(Policies.policy(bad, "api", invalid));

    StringBuilder config =
        new StringBuilder(
            "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                + "rule_files: ["
                + RULES.toAbsolutePath()
                + "]\nscrape_configs:\n  - job_name: agents\n    static_configs:\n");
    for (int i = 0; i < ports.size(); i++) {
      config.append(
          "      - targets: ['127.0.0.1:"
              + ports.get(i)[1]
              + "']\n        labels: {namespace: shop, policy: api, pod: api-agent-"
              + i
              + "}\n");
    }
    config.append(
        "  - job_name: operator\n    static_configs:\n      - targets: ['127.0.0.1:"
            + operatorMetrics.port()
            + "']\n");
    prometheus = PrometheusProcess.start(config.toString());
    await().atMost(TIMEOUT).until(() -> prometheus.query("up == 1").size() == ports.size() + 1);
  }

  void startAgent(Path policy, String backendUrl) throws IOException {
    int http = Ports.free();
    int management = Ports.free();
    int index = agents.size();
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Install.ROOT.resolve("agent/target/agent.jar").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("agent-" + index + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
    env.put("BIND_ADDRESS", "127.0.0.1");
    env.put("HTTP_PORT", String.valueOf(http));
    env.put("MANAGEMENT_PORT", String.valueOf(management));
    env.put("GRPC_PORT", "0");
    env.put("POLICY_FILE", policy.toString());
    env.put("REDIS_URL", redis.url());
    env.put("ADMIN_TOKEN", TOKEN);
    env.put("BACKEND_URL", backendUrl);
    env.put("BACKEND_TIMEOUT_MS", "2000");
    agents.add(pb.start());
    ports.add(new int[] {http, management});
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(() -> send("GET", management, "/health/ready", null, null) == 200);
  }

  static int send(String method, int port, String path, String client, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5));
    if (client != null) {
      b.header("X-Forwarded-For", client);
    }
    if (body != null) {
      b.header("Authorization", "Bearer " + TOKEN)
          .header("Content-Type", "application/yaml")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {prometheus, operatorMetrics, fakeAgent, cluster}) {
      if (c != null) {
        c.close();
      }
    }
    for (Process p : agents) {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
    if (backend != null) {
      backend.stop(0);
    }
    if (redis != null) {
      redis.close();
    }
  }

  static Map<String, String> alertExpressions() throws IOException {
    Map<String, String> out = new HashMap<>();
    for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        out.put(rule.path("alert").asText(), rule.path("expr").asText());
      }
    }
    return out;
  }

  List<String> firing(String expr) {
    List<String> out = new ArrayList<>();
    for (JsonNode series : prometheus.query(expr)) {
      out.add(
          series.path("metric").path("namespace").asText()
              + "/"
              + series.path("metric").path("policy").asText());
    }
    return out;
  }

  void awaitFiring(String alert, String expr, String series) {
    await()
        .atMost(TIMEOUT)
        .untilAsserted(() -> assertThat(firing(expr)).as(alert).contains(series));
  }

  @Test
  @DisplayName(
      "every alert expression is quiet while things are well and returns the offending series once its situation is made; every dashboard query returns data")
  void alertsAndDashboard() throws Exception {
    Map<String, String> alerts = alertExpressions();
    int api = ports.get(0)[0];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 3; i++) {
        assertThat(send("GET", api, "/api/items", "198.51.100." + c, null)).isEqualTo(200);
      }
    }
    // two scrapes of the healthy state, so that rates exist
    await()
        .atMost(TIMEOUT)
        .until(() -> !prometheus.query("rate(ratelimiter_requests_total[1m]) > 0").isEmpty());
    awaitFiring(
        "RatelimiterPolicyNotEnforced",
        alerts.get("RatelimiterPolicyNotEnforced"),
        badNamespace + "/api");
    assertThat(firing(alerts.get("RatelimiterPolicyNotEnforced")))
        .as("an Enforced policy")
        .noneMatch(s -> s.startsWith("ok"));
    for (String quiet :
        List.of(
            "RatelimiterStoreFailing",
            "RatelimiterBackendErrors",
            "RatelimiterAgentsBehind",
            "RatelimiterRefusalsHigh",
            "RatelimiterRedisSlow",
            "RatelimiterAgentRestarts")) {
      assertThat(firing(alerts.get(quiet))).as(quiet + " while well").isEmpty();
    }

    // the backend of the second agent is down
    int down = ports.get(1)[0];
    for (int i = 0; i < 3; i++) {
      assertThat(send("GET", down, "/api/items", "198.51.100.9", null)).isEqualTo(502);
    }
    awaitFiring("RatelimiterBackendErrors", alerts.get("RatelimiterBackendErrors"), "shop/api");

    // an abuser: far over its quota, several requests a second
    for (int i = 0; i < 60; i++) {
      send("GET", api, "/api/items", "203.0.113.66", null);
    }
    awaitFiring("RatelimiterRefusalsHigh", alerts.get("RatelimiterRefusalsHigh"), "shop/api");

    // one agent gets generation 2, the other keeps 1
    Path policy = dir.resolve("policy.yaml");
    String next = Files.readString(policy).replace("generation: 1", "generation: 2");
    assertThat(send("PUT", ports.get(0)[1], "/admin/policy", null, next)).isEqualTo(200);
    awaitFiring("RatelimiterAgentsBehind", alerts.get("RatelimiterAgentsBehind"), "shop/api");

    // every dashboard query has data now (agents, store, backend, operator)
    for (String expr : Monitoring.expressions(Monitoring.dashboard())) {
      String concrete =
          expr.replace("$__rate_interval", "1m")
              .replace("$namespace", ".*")
              .replace("$policy", ".*");
      if (concrete.startsWith("label_values(")) {
        continue; // a Grafana function, not PromQL; its metric is queried by the panels
      }
      await()
          .atMost(TIMEOUT)
          .untilAsserted(() -> assertThat(prometheus.query(concrete)).as(concrete).isNotEmpty());
    }

    // Redis goes away
    redis.stop();
    for (int i = 0; i < 5; i++) {
      send("GET", api, "/api/items", "198.51.100.77", null);
    }
    awaitFiring("RatelimiterStoreFailing", alerts.get("RatelimiterStoreFailing"), "shop/api");
  }

  @Test
  @DisplayName(
      "pass promtool: the rules are valid, and its rule tests fire each alert in its situation, after its 'for', and not beside it")
  void promtool() throws Exception {
    PrometheusProcess.requireInstalled();
    for (List<String> args :
        List.of(
            List.of("check", "rules", RULES.toString()),
            List.of("test", "rules", RULE_TESTS.toString()))) {
      List<String> command = new ArrayList<>(List.of(PrometheusProcess.PROMTOOL.toString()));
      command.addAll(args);
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
    }
  }

  @Test
  @DisplayName(
      "every alert has its runbook section in docs/operations.md, which its description names")
  void runbooks() throws IOException {
    String docs = Files.readString(Install.ROOT.resolve("docs/operations.md"));
    for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(docs).as(alert).contains("\n### " + alert + "\n");
        assertThat(rule.path("annotations").path("description").asText())
            .contains("docs/operations.md#" + alert.toLowerCase(java.util.Locale.ROOT));
        assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
      }
    }
  }

  @Test
  @DisplayName("prometheus-rule.yaml holds exactly the groups of ratelimiter.rules.yml")
  void prometheusRuleMatchesTheRulesFile() throws IOException {
    JsonNode rule = YAML.readTree(PROMETHEUS_RULE.toFile());
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(rule.path("spec")).isEqualTo(YAML.readTree(RULES.toFile()));
  }
}
