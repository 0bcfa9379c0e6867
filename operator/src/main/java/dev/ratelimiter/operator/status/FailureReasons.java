package dev.ratelimiter.operator.status;

import dev.ratelimiter.operator.customresource.StatusConditions;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.OperatorException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * A failed reconcile, as a condition's CamelCase reason (from the exception's type) and one line of
 * message.
 */
public final class FailureReasons {

  private FailureReasons() {}

  /** CamelCase reason for a failure, for {@code Ready=False}. */
  public static String reasonFor(Throwable failure) {
    Throwable e = unwrap(failure);
    if (e instanceof AggregatedOperatorException agg && !agg.getAggregatedExceptions().isEmpty()) {
      return reasonFor(agg.getAggregatedExceptions().values().iterator().next());
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException kce && kce.getCode() > 0) {
        return reasonForStatus(kce.getCode());
      }
      if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
        return "Timeout";
      }
      if (t instanceof java.io.IOException) {
        return "ApiUnreachable";
      }
    }
    return "ReconcileError";
  }

  /**
   * The failure inside JOSDK's wrappers (its metrics wrap what a reconcile throws in an
   * OperatorException).
   */
  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof OperatorException
        && !(t instanceof AggregatedOperatorException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String reasonForStatus(int code) {
    switch (code) {
      case 401:
        return "Unauthorized";
      case 403:
        return "Forbidden";
      case 404:
        return "NotFound";
      case 409:
        return "Conflict";
      case 422:
        return "Invalid";
      case 429:
        return "TooManyRequests";
      default:
        return code >= 500 ? "ApiServerError" : "ApiError";
    }
  }

  /** One line for humans: the innermost useful message. */
  public static String messageFor(Throwable failure) {
    Throwable e = unwrap(failure);
    Throwable t = e;
    if (e instanceof AggregatedOperatorException agg && !agg.getAggregatedExceptions().isEmpty()) {
      var first = agg.getAggregatedExceptions().entrySet().iterator().next();
      return "dependent " + first.getKey() + ": " + messageFor(first.getValue());
    }
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return StatusConditions.truncate(m.replaceAll("\\s+", " ").trim());
  }
}
