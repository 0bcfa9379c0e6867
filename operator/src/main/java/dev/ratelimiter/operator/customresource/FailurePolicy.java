package dev.ratelimiter.operator.customresource;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** What an agent does when its store cannot be reached. */
public enum FailurePolicy {
  /** Allow the request. */
  Open,
  /** Answer 503. */
  Closed,

  /**
   * Any value this operator does not know (e.g. written under a newer CRD). Not in the schema;
   * the validator reports it instead of the whole informer failing on it.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unsupported
}
