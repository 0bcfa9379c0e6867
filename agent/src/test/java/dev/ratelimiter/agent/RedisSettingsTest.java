package dev.ratelimiter.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ratelimiter.agent.store.redis.RedisMode;
import dev.ratelimiter.agent.store.redis.RedisTarget;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("REDIS_URL, REDIS_MODE and REDIS_MASTER_NAME")
class RedisSettingsTest {

  @Test
  @DisplayName("Standalone is the default; one URL, no master name")
  void standaloneByDefault() {
    AgentSettings settings =
        AgentSettings.fromEnv(Map.of("REDIS_URL", "redis://redis.shared:6379"));
    assertThat(settings.redisMode()).isEqualTo(RedisMode.Standalone);
    assertThat(settings.redisTarget())
        .isEqualTo(
            new RedisTarget(
                RedisMode.Standalone, java.util.List.of("redis://redis.shared:6379"), null));
    assertThat(AgentSettings.fromEnv(Map.of()).redisTarget()).isNull();
  }

  @Test
  @DisplayName(
      "Sentinel: several sentinels, the master name defaulting to mymaster; the mode is read case-insensitively")
  void sentinel() {
    RedisTarget target =
        AgentSettings.fromEnv(
                Map.of(
                    "REDIS_MODE",
                    "sentinel",
                    "REDIS_URL",
                    "redis://s1:26379, redis://s2:26379,redis://s3:26379"))
            .redisTarget();
    assertThat(target.mode()).isEqualTo(RedisMode.Sentinel);
    assertThat(target.urls())
        .containsExactly("redis://s1:26379", "redis://s2:26379", "redis://s3:26379");
    assertThat(target.masterName()).isEqualTo("mymaster");
    assertThat(
            AgentSettings.fromEnv(
                    Map.of(
                        "REDIS_MODE",
                        "Sentinel",
                        "REDIS_MASTER_NAME",
                        "shop-limits",
                        "REDIS_URL",
                        "redis://s1:26379"))
                .redisTarget()
                .masterName())
        .isEqualTo("shop-limits");
  }

  @Test
  @DisplayName("An endpoint after the first may leave out the scheme: it takes the first one's")
  void schemeCarriesOver() {
    RedisTarget target =
        AgentSettings.fromEnv(
                Map.of("REDIS_MODE", "Cluster", "REDIS_URL", "rediss://n1:6379,n2:6379, n3"))
            .redisTarget();
    assertThat(target.urls())
        .containsExactly("rediss://n1:6379", "rediss://n2:6379", "rediss://n3");
  }

  @Test
  @DisplayName(
      "Cluster: seed nodes over TLS with a password in each URL, which logs and errors never show")
  void cluster() {
    RedisTarget target =
        AgentSettings.fromEnv(
                Map.of(
                    "REDIS_MODE",
                    "Cluster",
                    "REDIS_URL",
                    "rediss://:pw@n1:6379,rediss://:pw@n2:6379"))
            .redisTarget();
    assertThat(target.mode()).isEqualTo(RedisMode.Cluster);
    assertThat(target.tls()).isTrue();
    assertThat(target.describe()).isEqualTo("cluster rediss://***@n1:6379,rediss://***@n2:6379");
  }

  @ParameterizedTest(name = "{0} | {1} | {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Replicated | redis://r:6379 |  | REDIS_MODE='Replicated' is not a Redis mode; use Standalone, Sentinel or Cluster",
        "Cluster |  |  | REDIS_MODE=Cluster is set but REDIS_URL is not",
        " |  | mymaster | REDIS_MASTER_NAME is set but REDIS_URL is not",
        " | redis://a:6379,redis://b:6379 |  | REDIS_URL lists 2 endpoints but REDIS_MODE is Standalone",
        "Cluster | redis://a:6379,rediss://b:6379 |  | REDIS_URL mixes redis:// and rediss:// endpoints",
        "Cluster | redis://a:6379,,redis://b:6379 |  | REDIS_URL 'redis://a:6379,,redis://b:6379' has an empty endpoint",
        "Sentinel | redis://a:26379,http://b:26379 |  | REDIS_URL: 'http://b:26379' must start with redis:// or rediss://",
        "Cluster | redis://:secret@a:6379,redis:// |  | REDIS_URL: 'redis://' is not a URL",
        "Cluster | redis://a:6379 | mymaster | REDIS_MASTER_NAME is set but REDIS_MODE is Cluster; it applies to Sentinel only",
        "Sentinel | redis://a:26379 | my master | REDIS_MASTER_NAME='my master' is not a master name",
      })
  @DisplayName("A bad combination is refused with a message naming the setting")
  void refused(String mode, String url, String masterName, String message) {
    Map<String, String> env = new HashMap<>();
    if (mode != null) {
      env.put("REDIS_MODE", mode);
    }
    if (url != null) {
      env.put("REDIS_URL", url);
    }
    if (masterName != null) {
      env.put("REDIS_MASTER_NAME", masterName);
    }
    assertThatThrownBy(() -> AgentSettings.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message)
        .message()
        .doesNotContain("secret");
  }
}
