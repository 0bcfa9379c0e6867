package dev.ratelimiter.operator.schema;

import java.nio.file.Path;
import java.util.List;

/**
 * The schema checks of {@link CrdSchema} (openAPIV3Schema + CEL rules, what an API server would
 * check on {@code kubectl apply}) for tests outside this package, e.g. the install examples.
 */
public final class CrdValidator {

  private final CrdSchema schema;

  public CrdValidator(Path crdFile) {
    schema = new CrdSchema(crdFile);
  }

  /** Every violation of a RateLimitPolicy document (YAML or JSON); empty when it is valid. */
  public List<String> errors(String document) {
    return schema.allErrors(document);
  }
}
