package dev.ratelimiter.agent.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashSlotTest {

  /** Expected values are what redis-server 7.0's {@code CLUSTER KEYSLOT} answers. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "foo ; 12182",
        "bar ; 5061",
        "hello ; 866",
        "{user1000}.following ; 3443",
        "a{}b ; 13694",
        "{}{x} ; 3257",
        "x{y ; 2740",
        "rl:{shop/public-api|127.0.0.1}:per-minute ; 10179",
        "rl:{shop/public-api|127.0.0.1}:per-minute:fw:60 ; 10179",
        "rl:{shop/public-api|127.0.0.1}:burst:tb:1 ; 10179",
        "{shop/public-api|127.0.0.1} ; 10179",
      })
  @DisplayName("The slot is Redis' own: CRC16 of the hash tag, or of the whole key without one")
  void asRedisComputesIt(String key, int slot) {
    assertThat(HashSlot.of(key)).isEqualTo(slot);
  }
}
