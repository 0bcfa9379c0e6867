package dev.ratelimiter.operator.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ratelimiter.contract.AgentContract.PushAnswer;
import dev.ratelimiter.operator.enforcement.PushResult.Outcome;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a policy document to agents: {@code PUT http://<podIP>:<management>/admin/policy} with the
 * admin bearer token, asynchronously (JDK HTTP client), bounded by short connect and request
 * timeouts. Never throws: every push ends in a {@link PushResult}.
 */
public final class PolicyPusher {

  private static final Logger log = LoggerFactory.getLogger(PolicyPusher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration requestTimeout;

  public PolicyPusher(Duration connectTimeout, Duration requestTimeout) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.requestTimeout = requestTimeout;
  }

  public PolicyPusher() {
    this(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  /**
   * Starts pushing {@code document} (generation {@code generation}) to {@code pod} and returns at
   * once; the future completes with the pod's answer, or UNREACHABLE, and never exceptionally.
   */
  public CompletableFuture<PushResult> push(
      AgentPod pod, String document, long generation, String token) {
    try {
      return send(pod, document, generation, token);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(unreachable(pod, e));
    }
  }

  private CompletableFuture<PushResult> send(
      AgentPod pod, String document, long generation, String token) {
    HttpRequest request =
        HttpRequest.newBuilder(pod.adminPolicyUri())
            .timeout(requestTimeout)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/yaml")
            .header("Accept", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(document))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> answer(pod, generation, response.statusCode(), response.body()))
        .exceptionally(e -> unreachable(pod, e));
  }

  static PushResult answer(AgentPod pod, long generation, int status, String body) {
    JsonNode json = parse(body);
    Long running =
        json.hasNonNull(PushAnswer.GENERATION) && json.get(PushAnswer.GENERATION).canConvertToLong()
            ? json.get(PushAnswer.GENERATION).asLong()
            : null;
    String detail =
        json.hasNonNull(PushAnswer.DETAIL) ? json.get(PushAnswer.DETAIL).asText() : null;
    switch (status) {
      case 200:
        if (running != null && running == generation) {
          Boolean reachable =
              json.has(PushAnswer.STORE_REACHABLE)
                      && json.get(PushAnswer.STORE_REACHABLE).isBoolean()
                  ? json.get(PushAnswer.STORE_REACHABLE).asBoolean()
                  : null;
          String storeError =
              json.hasNonNull(PushAnswer.STORE_ERROR)
                  ? json.get(PushAnswer.STORE_ERROR).asText()
                  : null;
          return new PushResult(pod, Outcome.CONFIRMED, running, null, reachable, storeError);
        }
        return new PushResult(
            pod,
            Outcome.ERROR,
            running,
            "answered 200 without confirming generation " + generation);
      case 400:
        return new PushResult(
            pod,
            Outcome.REJECTED,
            running,
            "rejected generation "
                + generation
                + ": "
                + (detail == null ? "no reason given" : detail));
      case 409:
        return new PushResult(
            pod, Outcome.NEWER, running, "already runs a newer generation than " + generation);
      default:
        return new PushResult(
            pod,
            Outcome.ERROR,
            running,
            "answered HTTP " + status + (detail == null ? "" : ": " + detail));
    }
  }

  private static PushResult unreachable(AgentPod pod, Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String why;
    if (t instanceof HttpTimeoutException) {
      why = "no answer in time";
    } else if (t instanceof java.net.ConnectException) {
      why = "connection refused";
    } else {
      why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
    log.debug("push to {} at {} failed", pod.name(), pod.adminPolicyUri(), t);
    return new PushResult(
        pod,
        Outcome.UNREACHABLE,
        null,
        "unreachable at " + pod.ip() + ":" + pod.managementPort() + ": " + why);
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
      return node == null ? JSON.createObjectNode() : node;
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
