package dev.ratelimiter.agent.server.guard;

/** Reads one sample from Prometheus text. */
public final class SecurityMetrics {

  private SecurityMetrics() {}

  /**
   * @param series the metric name with its labels, exactly as printed; 0 when absent
   */
  public static double value(String prometheusText, String series) {
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }
}
