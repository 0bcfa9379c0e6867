package dev.ratelimiter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** The test's HTTP client: bursts of concurrent {@code /api} requests and the agents' admin API. */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private Http() {}

  /**
   * Sends {@code n} requests at once, spread round-robin over {@code agents}; answers status code
   * -> count.
   */
  static Map<Integer, Integer> burst(List<AgentProcess> agents, int n) {
    return burst(agents, n, null);
  }

  /**
   * As {@link #burst(List, int)}, each request saying {@code X-Forwarded-For: client} (null: none),
   * which an agent trusting the test's address as a proxy counts under {@code client}.
   */
  static Map<Integer, Integer> burst(List<AgentProcess> agents, int n, String client) {
    List<CompletableFuture<HttpResponse<Void>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(agents.get(i % agents.size()).api()))
              .timeout(Duration.ofSeconds(10));
      if (client != null) {
        b.header("X-Forwarded-For", client);
      }
      all.add(CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()));
    }
    Map<Integer, Integer> counts = new TreeMap<>();
    all.forEach(f -> counts.merge(f.join().statusCode(), 1, Integer::sum));
    return counts;
  }

  /** The agents' {@code ratelimiter_requests_total} lines, for failure messages. */
  static String outcomes(List<AgentProcess> agents) {
    StringBuilder sb = new StringBuilder();
    for (AgentProcess a : agents) {
      sb.append(a).append(": ");
      get("http://" + a.ip + ":" + a.managementPort + "/metrics")
          .body()
          .lines()
          .filter(l -> l.startsWith("ratelimiter_requests_total"))
          .forEach(l -> sb.append(l.substring(l.indexOf('{'))).append(' '));
      sb.append('\n');
    }
    return sb.toString();
  }

  static HttpResponse<String> get(String uri) {
    return send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).build());
  }

  /**
   * {@code GET uri} on behalf of {@code client}, through the test as a trusted proxy ({@code
   * X-Forwarded-For}).
   */
  static HttpResponse<String> getAs(String client, String uri) {
    return send(
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(Duration.ofSeconds(5))
            .header("X-Forwarded-For", client)
            .build());
  }

  /** {@code GET uri} with {@code Authorization: Bearer <token>}. */
  static HttpResponse<String> getWithToken(String uri, String token) {
    return send(
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + token)
            .build());
  }

  /** {@code GET /admin/policy} of one agent (it needs the admin token): the document in force. */
  static JsonNode policyInForce(AgentProcess agent) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(agent.admin())).timeout(Duration.ofSeconds(5));
    if (agent.adminToken != null) {
      b.header("Authorization", "Bearer " + agent.adminToken);
    }
    try {
      return JSON.readTree(send(b.build()).body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse<String> putPolicy(AgentProcess agent, String token, String document) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(agent.admin()))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/yaml")
            .PUT(HttpRequest.BodyPublishers.ofString(document));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
