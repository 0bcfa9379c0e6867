package dev.ratelimiter.operator.customresource;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * {@code ratelimiter.dev/v1alpha1 RateLimitPolicy}: one policy becomes Redis plus a fleet of
 * agents.
 */
@Group(RateLimitPolicy.GROUP)
@Version(RateLimitPolicy.VERSION)
@Kind("RateLimitPolicy")
@Plural("ratelimitpolicies")
@Singular("ratelimitpolicy")
@ShortNames("rlp")
@AdditionalPrinterColumn(name = "Limits", jsonPath = ".status.limits")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Enforced",
    jsonPath = ".status.conditions[?(@.type==\"Enforced\")].status")
@AdditionalPrinterColumn(
    name = "Agents",
    jsonPath = ".status.agents.ready",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".status.endpoint", priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@ValidationRule(
    value =
        "!has(self.spec) || !has(self.spec.backend)"
            + " || !(self.spec.backend.service in [self.metadata.name, self.metadata.name + '-redis'])",
    message =
        "spec.backend.service must not be a Service the operator creates for this policy"
            + " (<name>, the agents' own; <name>-redis)",
    fieldPath = ".spec.backend.service")
@ValidationRule(
    value = "self.metadata.name.size() <= " + PolicyNameRules.MAX_POLICY_NAME_LENGTH,
    message =
        "metadata.name must be at most "
            + PolicyNameRules.MAX_POLICY_NAME_LENGTH
            + " characters: the longest object name the"
            + " operator makes, <name>"
            + PolicyNameRules.AGENT_POLICY_SUFFIX
            + ", must fit in "
            + PolicyNameRules.MAX_NAME_LENGTH)
@ValidationRule(
    value = "self.metadata.name.matches('" + PolicyNameRules.DNS_1035_LABEL + "')",
    message =
        "metadata.name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and"
            + " ending with a letter or digit): it names the policy's Service")
public class RateLimitPolicy extends CustomResource<RateLimitPolicySpec, RateLimitPolicyStatus>
    implements Namespaced {

  public static final String GROUP = "ratelimiter.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  protected RateLimitPolicySpec initSpec() {
    return new RateLimitPolicySpec();
  }
}
