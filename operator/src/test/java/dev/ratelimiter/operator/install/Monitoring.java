package dev.ratelimiter.operator.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The optional monitoring overlay in deploy/monitoring/ and its Grafana dashboard. */
final class Monitoring {

  static final Path DIR = Install.DEPLOY.resolve("monitoring");
  static final Path DASHBOARD = DIR.resolve("ratelimiter-dashboard.json");

  /**
   * The project's metric names: the agent's ratelimiter_*, the operator's ratelimiter_operator_*
   * and JOSDK's operator_sdk_*.
   */
  private static final Pattern METRIC =
      Pattern.compile("\\b(?:ratelimiter|operator_sdk)_[a-zA-Z0-9_]+");

  private Monitoring() {}

  static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(DASHBOARD.toFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot parse " + DASHBOARD, e);
    }
  }

  /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
  static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        out.add(variable.path("query").path("query").asText());
      }
    }
    return out;
  }

  static Set<String> metricNames(String expression) {
    Set<String> out = new TreeSet<>();
    Matcher m = METRIC.matcher(expression);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /**
   * The series names of a Prometheus text exposition (histogram parts as exposed: _bucket, _sum,
   * _count).
   */
  static Set<String> seriesNames(String exposition) {
    Set<String> out = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.length();
      for (char c : new char[] {'{', ' '}) {
        int i = line.indexOf(c);
        if (i >= 0 && i < end) {
          end = i;
        }
      }
      out.add(line.substring(0, end));
    }
    return out;
  }
}
