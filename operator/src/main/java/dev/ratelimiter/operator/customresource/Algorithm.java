package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** Counting algorithms the agent implements today. */
public enum Algorithm {
  /** The window starts at the client's first request and its counter expires with it. */
  FixedWindow,

  /**
   * Any value this operator does not know (e.g. written under a newer CRD). Not in the schema;
   * the validator reports it instead of the whole informer failing on it.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unsupported
}
