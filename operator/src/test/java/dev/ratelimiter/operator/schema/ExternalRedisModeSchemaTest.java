package dev.ratelimiter.operator.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.MockCluster;
import dev.ratelimiter.operator.customresource.RateLimitPolicy;
import dev.ratelimiter.operator.spec.PolicyValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * spec.redis.external.mode and masterName: the CRD schema + CEL and the operator's validator agree.
 */
@DisplayName("spec.redis.external with mode Standalone, Sentinel or Cluster")
class ExternalRedisModeSchemaTest {

  static CrdSchema crd;

  @BeforeAll
  static void load() {
    crd = new CrdSchema(MockCluster.generatedCrd());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "url: redis://r:6379 |  ",
        "url: redis://r:6379, mode: Standalone |  ",
        "url: 'redis://s1:26379,redis://s2:26379,redis://s3:26379', mode: Sentinel |  ",
        "url: 'redis://s1:26379,s2:26379', mode: Sentinel, masterName: shop-limits |  ",
        "url: 'rediss://n1:6379,rediss://n2:6379/0', mode: Cluster |  ",
        "url: 'redis://s1:26379,s2:26379' | several comma-separated endpoints need mode Sentinel",
        "url: 'redis://n1:6379,n2:6379', mode: Standalone | several comma-separated endpoints need mode Sentinel",
        "url: 'redis://n1:6379', mode: Cluster, masterName: mymaster | applies to mode Sentinel only",
        "url: 'redis://n1:6379', masterName: mymaster | applies to mode Sentinel only",
        "url: 'redis://n1:6379,rediss://n2:6379', mode: Cluster | mixes redis:// and rediss://",
        "url: 'redis://n1:6379,,n2:6379', mode: Cluster | url",
        "url: 'redis://s1:26379', mode: Sentinel, masterName: 'my master' | masterName",
        "url: 'redis://n1:6379', mode: Replicated | mode",
      })
  @DisplayName("is accepted or refused alike by the CRD and the validator")
  void schemaAndValidatorAgree(String external, String problem) throws Exception {
    String yaml = CrdSchemaTest.policy("redis: {external: {" + external + "}}");
    RateLimitPolicy p = CrdSchema.YAML.readValue(yaml, RateLimitPolicy.class);
    if (problem == null) {
      assertThat(crd.allErrors(yaml)).isEmpty();
      assertThat(PolicyValidator.validate(p.getSpec())).isEmpty();
    } else {
      assertThat(crd.allErrors(yaml)).anySatisfy(e -> assertThat(e).contains(problem));
      assertThat(PolicyValidator.validate(p.getSpec()))
          .anySatisfy(e -> assertThat(e).contains(problem));
    }
  }
}
