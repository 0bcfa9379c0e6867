package dev.ratelimiter.operator;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ratelimiter.operator.customresource.ClientKey;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The policy document the agent loads from {@code POLICY_FILE} (and, later, over its admin API):
 * the contract between operator and agent. Every field is written, defaults applied.
 */
@JsonPropertyOrder({"policy", "generation", "limits", "clientKey", "failurePolicy"})
public record PolicyDocument(
    String policy, long generation, List<LimitDoc> limits, ClientKeyDoc clientKey, String failurePolicy) {

  @JsonPropertyOrder({"name", "requests", "window", "algorithm"})
  public record LimitDoc(String name, long requests, String window, String algorithm) {}

  @JsonPropertyOrder({"source", "forwardedHeader", "trustedProxies", "ipv6PrefixLength"})
  public record ClientKeyDoc(String source, String forwardedHeader, List<String> trustedProxies, int ipv6PrefixLength) {}

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());

  public static PolicyDocument of(RateLimitPolicy p) {
    RateLimitPolicySpec spec = p.getSpec() == null ? new RateLimitPolicySpec() : p.getSpec();
    List<LimitDoc> limits =
        spec.effectiveLimits().stream()
            .map(
                l ->
                    new LimitDoc(
                        l.getName(),
                        l.getRequests(),
                        l.getWindow(),
                        l.getAlgorithm() == null ? "FixedWindow" : l.getAlgorithm().name()))
            .toList();
    ClientKey ck = spec.effectiveClientKey();
    Long generation = p.getMetadata().getGeneration();
    return new PolicyDocument(
        Names.policyId(p),
        generation == null ? 0 : generation,
        limits,
        new ClientKeyDoc(
            ck.effectiveSource().name(), ck.effectiveForwardedHeader().name(), ck.effectiveTrustedProxies(), ck.effectiveIpv6PrefixLength()),
        spec.effectiveFailurePolicy().name());
  }

  public String toYaml() {
    try {
      return YAML.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PolicyDocument fromYaml(String yaml) {
    try {
      return YAML.readValue(yaml, PolicyDocument.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
