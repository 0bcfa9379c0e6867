package dev.ratelimiter.operator.customresource;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * {@code ratelimiter.dev/v1alpha1 RateLimitOverride}: other quotas for some clients of a policy in
 * the same namespace, until a time. The operator merges the active ones into the document it pushes
 * to the policy's agents and reports each one's state ({@code Active}, {@code Expired}, {@code
 * Invalid}) in its status.
 */
@Group(RateLimitPolicy.GROUP)
@Version(RateLimitPolicy.VERSION)
@Kind("RateLimitOverride")
@Plural("ratelimitoverrides")
@Singular("ratelimitoverride")
@ShortNames("rlo")
@AdditionalPrinterColumn(name = "Policy", jsonPath = ".spec.policy")
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".spec.expires")
@AdditionalPrinterColumn(
    name = "State",
    jsonPath = ".status.conditions[?(@.status==\"True\")].type")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RateLimitOverride
    extends CustomResource<RateLimitOverrideSpec, RateLimitOverrideStatus> implements Namespaced {

  @Override
  protected RateLimitOverrideSpec initSpec() {
    return new RateLimitOverrideSpec();
  }
}
