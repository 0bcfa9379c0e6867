package dev.ratelimiter.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.operator.customresource.ExternalRedis;
import dev.ratelimiter.operator.customresource.RateLimitPolicySpec;
import dev.ratelimiter.operator.customresource.RedisSpec;
import dev.ratelimiter.operator.customresource.SecretKeyRef;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("An external Redis URL")
class RedisUrlsTest {

  static List<String> problems(String url) {
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    s.setRedis(new RedisSpec(new ExternalRedis(url, new SecretKeyRef("redis-auth", "password"))));
    return PolicyValidator.validate(s);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "redis://:s3cret@redis.shared:6379",
        "rediss://app:s3cret@redis.shared:6380/0",
        "redis://s3cret@redis.shared"
      })
  @DisplayName(
      "is refused when it carries credentials, pointing at passwordSecretRef and without echoing the password")
  void credentialsAreRefused(String url) {
    assertThat(problems(url))
        .singleElement()
        .asString()
        .startsWith("spec.redis.external.url: must not carry credentials")
        .contains("spec.redis.external.passwordSecretRef")
        .doesNotContain("s3cret");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"redis://redis.shared:6379", "rediss://redis.shared.svc:6380/2"})
  @DisplayName("is accepted without credentials")
  void plainUrlsAreAccepted(String url) {
    assertThat(problems(url)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"redis://s1:26379,s2:26379", "redis://s1:26379,redis://s2:26379,redis://s3:26379"})
  @DisplayName("with several endpoints is accepted for Sentinel, refused for Standalone")
  void severalEndpoints(String url) {
    RateLimitPolicySpec s = new RateLimitPolicySpec();
    ExternalRedis external = new ExternalRedis(url, null);
    external.setMode("Sentinel");
    s.setRedis(new RedisSpec(external));
    assertThat(PolicyValidator.validate(s)).isEmpty();
    assertThat(problems(url))
        .singleElement()
        .asString()
        .startsWith("spec.redis.external.url: several comma-separated endpoints need mode");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"redis://s1:26379,redis://:s3cret@s2:26379", "redis://s1:26379,u:s3cret@s2:26379"})
  @DisplayName("is refused when any endpoint carries credentials")
  void credentialsInAnyEndpoint(String url) {
    assertThat(RedisUrls.hasUserInfo(url)).isTrue();
    assertThat(RedisUrls.redact(url)).doesNotContain("s3cret").endsWith("***@s2:26379");
  }

  @Test
  @DisplayName("is shown without its credentials")
  void redaction() {
    assertThat(RedisUrls.redact("redis://:s3cret@redis.shared:6379/1"))
        .isEqualTo("redis://***@redis.shared:6379/1");
    assertThat(RedisUrls.redact("redis://a:b@c@h1:1,h2:2")).isEqualTo("redis://***@h1:1,h2:2");
    assertThat(RedisUrls.redact("redis://redis.shared:6379"))
        .isEqualTo("redis://redis.shared:6379");
  }

  @Test
  @DisplayName("names its hosts: every endpoint, lower-case, without port, brackets or credentials")
  void hosts() {
    assertThat(RedisUrls.hosts("redis://Redis.Shared.svc:6379/0"))
        .containsExactly("redis.shared.svc");
    assertThat(RedisUrls.hosts("redis://u:p@s1.redis.svc:26379,s2.redis.svc"))
        .containsExactly("s1.redis.svc", "s2.redis.svc");
    assertThat(RedisUrls.hosts("rediss://[fd00::1]:6380")).containsExactly("fd00::1");
    assertThat(
            RedisUrls.hosts(
                "redis://S1.redis.svc:26379, redis://s2.redis.svc:26379/0,rediss://u@[fd00::2]:1"))
        .containsExactly("s1.redis.svc", "s2.redis.svc", "fd00::2");
  }
}
