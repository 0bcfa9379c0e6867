package dev.ratelimiter.operator.oncall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratelimiter.contract.AgentContract;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.enforcement.AgentPod;
import dev.ratelimiter.operator.enforcement.PolicyEnforcer;
import dev.ratelimiter.operator.status.WarningEvents;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * On call with {@code kubectl} alone: an annotation on a RateLimitPolicy asks the operator, which
 * reaches the agents' management port where the SRE cannot, to act on one client once.
 *
 * <ul>
 *   <li>{@value #INSPECT}{@code : <client key>}: the client's usage of every limit, in an Event on
 *       the policy ({@code kubectl describe rlp}).
 *   <li>{@value #RESET}{@code : <client key>} (with {@value #RESET_LIMIT}{@code : <limit>} for one
 *       limit): the client's counters cleared, through one ready agent; the store and its notice to
 *       every other agent do the rest. An Event on the policy says so.
 * </ul>
 *
 * Each is sent asynchronously (a reconcile never waits on an agent), once per annotation value;
 * when the agent has answered, the Event is recorded and the annotation removed.
 */
public final class ClientRequests {

  public static final String INSPECT = "ratelimiter.dev/inspect-client";
  public static final String RESET = "ratelimiter.dev/reset-client";
  public static final String RESET_LIMIT = "ratelimiter.dev/reset-limit";

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ClientRequests.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(1))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final WarningEvents events = new WarningEvents();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /** Starts what the policy's annotations ask for, if anything; returns at once. */
  public void handle(RateLimitPolicy policy, Context<RateLimitPolicy> context) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    if (annotations == null) {
      return;
    }
    for (String kind : List.of(INSPECT, RESET)) {
      String client = annotations.get(kind);
      if (client != null) {
        String limit = kind.equals(RESET) ? annotations.get(RESET_LIMIT) : null;
        start(policy, context, kind, client.strip(), limit);
      }
    }
  }

  private void start(
      RateLimitPolicy policy,
      Context<RateLimitPolicy> context,
      String kind,
      String client,
      String limit) {
    String key = policy.getMetadata().getUid() + " " + kind + " " + client + " " + limit;
    if (!inFlight.add(key)) {
      return;
    }
    KubernetesClient k8s = context.getClient();
    List<AgentPod> pods = AgentPod.ready(context.getSecondaryResources(Pod.class));
    Optional<String> token = PolicyEnforcer.adminToken(policy, context);
    String refusal =
        client.isEmpty()
                || client.length() > 256
                || !client.chars().allMatch(c -> c > 0x20 && c < 0x7f)
            ? "'" + kind + "' must be a client key (printable, no spaces, at most 256 characters)"
            : pods.isEmpty() || token.isEmpty()
                ? "no ready agent to ask; annotate again later"
                : null;
    if (refusal != null) {
      done(policy, k8s, key, kind, "Warning", "ClientRequestRefused", refusal);
      return;
    }
    String path =
        AgentContract.ADMIN_CLIENTS_PATH
            + "/"
            + URLEncoder.encode(client, StandardCharsets.UTF_8).replace("+", "%20")
            + (limit == null ? "" : "?limit=" + URLEncoder.encode(limit, StandardCharsets.UTF_8));
    AgentPod pod = pods.get(0);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(pod.adminUri(path))
            .timeout(Duration.ofSeconds(2))
            .header("Authorization", "Bearer " + token.get())
            .header("Accept", "application/json");
    request = kind.equals(RESET) ? request.DELETE() : request.GET();
    http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, failure) -> {
              if (failure != null) {
                done(
                    policy,
                    k8s,
                    key,
                    kind,
                    "Warning",
                    "ClientRequestFailed",
                    "agent " + pod.name() + " did not answer: " + failure.getMessage());
              } else if (response.statusCode() != 200) {
                done(
                    policy,
                    k8s,
                    key,
                    kind,
                    "Warning",
                    "ClientRequestFailed",
                    "agent "
                        + pod.name()
                        + " answered "
                        + response.statusCode()
                        + ": "
                        + detail(response.body()));
              } else if (kind.equals(RESET)) {
                done(
                    policy,
                    k8s,
                    key,
                    kind,
                    "Normal",
                    "ClientReset",
                    "Reset client "
                        + client
                        + (limit == null ? " (every limit)" : " (limit " + limit + ")")
                        + " on every agent, as annotation "
                        + RESET
                        + " asked");
              } else {
                done(
                    policy,
                    k8s,
                    key,
                    kind,
                    "Normal",
                    "ClientInspected",
                    summary(client, response.body()));
              }
            });
  }

  /** Records the Event, then removes the annotation (when it still asks the same). */
  private void done(
      RateLimitPolicy policy,
      KubernetesClient k8s,
      String key,
      String kind,
      String type,
      String reason,
      String message) {
    try {
      events.record(policy, type, k8s, reason, message);
      String asked = policy.getMetadata().getAnnotations().get(kind);
      k8s.resources(RateLimitPolicy.class)
          .inNamespace(policy.getMetadata().getNamespace())
          .withName(policy.getMetadata().getName())
          .edit(
              p -> {
                Map<String, String> a = p.getMetadata().getAnnotations();
                if (a != null && asked.equals(a.get(kind))) {
                  a.remove(kind);
                  if (kind.equals(RESET)) {
                    a.remove(RESET_LIMIT);
                  }
                }
                return p;
              });
    } catch (RuntimeException e) {
      LOG.warn("on-call request {} on {}: {}", kind, policy.getMetadata().getName(), e.toString());
    } finally {
      inFlight.remove(key);
    }
  }

  /** One line per limit: what the client used of it, what is left, when it is back. */
  static String summary(String client, String body) {
    JsonNode report;
    try {
      report = JSON.readTree(body);
    } catch (java.io.IOException e) {
      return "Client " + client + ": the agent's answer was not JSON";
    }
    StringBuilder out = new StringBuilder("Client ").append(client);
    if (report.hasNonNull("override")) {
      out.append(" (override ").append(report.get("override").path("name").asText()).append(')');
    }
    out.append(':');
    for (JsonNode l : report.path("limits")) {
      out.append(' ')
          .append(l.path("name").asText())
          .append(" used ")
          .append(l.path("used").asLong())
          .append(" of ")
          .append(
              l.path("algorithm").asText().equals("TokenBucket")
                  ? l.path("used").asLong() + l.path("remaining").asLong()
                  : l.path("requests").asLong())
          .append(", ")
          .append(l.path("remaining").asLong())
          .append(" left, full again in ")
          .append(l.path("resetSeconds").asLong())
          .append(" s;");
    }
    return out.toString();
  }

  private static String detail(String body) {
    try {
      return JSON.readTree(body).path("detail").asText(body);
    } catch (java.io.IOException e) {
      return body;
    }
  }
}
