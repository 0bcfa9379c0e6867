package dev.ratelimiter.operator.customresource;

/**
 * What a policy's name must be so that every object named after it is a valid Kubernetes name: the
 * CRD's CEL rules ({@link RateLimitPolicy}) and the operator's validator are built from these, and
 * {@code Names} derives the object names from the same suffix.
 */
public final class PolicyNameRules {

  /** The longest suffix of an object named after a policy: its agents' policy ConfigMap. */
  public static final String AGENT_POLICY_SUFFIX = "-agent-policy";

  /** Service names are DNS-1035 labels and label values at most 63 characters. */
  public static final int MAX_NAME_LENGTH = 63;

  /**
   * The longest policy name whose objects all fit: {@value #MAX_NAME_LENGTH} minus the longest
   * suffix ({@value #AGENT_POLICY_SUFFIX}, 13). A constant, since the CRD's CEL rule is built from
   * it; a test derives it from {@code Names.objectNames} again.
   */
  public static final int MAX_POLICY_NAME_LENGTH = 50;

  /** A DNS-1035 label: the policy's name is its Service's name. */
  public static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  private PolicyNameRules() {}
}
