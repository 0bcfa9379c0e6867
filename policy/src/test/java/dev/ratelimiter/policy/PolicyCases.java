package dev.ratelimiter.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The table of valid and invalid policies ({@code policy-cases.yaml}), shipped in this module's
 * test-jar: the shared validator is tested with it here, and the operator tests its CRD schema and
 * CEL rules with the same cases, so the two cannot drift apart.
 */
public final class PolicyCases {

  public static final String RESOURCE = "/dev/ratelimiter/policy/policy-cases.yaml";

  /**
   * One case.
   *
   * @param name what the case is about
   * @param spec a fragment of a RateLimitPolicy spec, which is also a policy document
   * @param field null for a valid case; else the document path the refusal must name, like {@code
   *     limits[0].window}
   */
  public record Case(String name, JsonNode spec, String field) {

    public boolean valid() {
      return field == null;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private PolicyCases() {}

  public static List<Case> all() {
    try (InputStream in = PolicyCases.class.getResourceAsStream(RESOURCE)) {
      JsonNode table =
          new ObjectMapper(new YAMLFactory()).readTree(Objects.requireNonNull(in, RESOURCE));
      List<Case> cases = new ArrayList<>();
      for (JsonNode row : table) {
        String name = row.path("name").asText();
        boolean valid = row.path("valid").asBoolean(false);
        if (valid == row.has("field") || !row.has("spec")) {
          throw new IllegalStateException(
              "case '" + name + "' must have a spec and either valid: true or a field");
        }
        cases.add(new Case(name, row.get("spec"), valid ? null : row.get("field").asText()));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
